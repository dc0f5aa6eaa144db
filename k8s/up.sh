#!/usr/bin/env bash
# Creates the kind cluster `eda-lab` with a local registry (localhost:5001, for Tilt), the eda-lab namespace,
# and the Dapr control plane from its official Helm chart. Idempotent: run it again to repair.
# Needs: docker, kind, kubectl, helm. Then: `tilt up` (dev loop) or `helm install` (docs/kubernetes.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# DAPR_VERSION (1.18.0): the same pin as the local daprd.
source tools/provision/versions.env
CLUSTER=eda-lab
REG_NAME=kind-registry
REG_PORT=5001

for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null || { echo "k8s/up.sh: $tool is missing (see docs/kubernetes.md)" >&2; exit 1; }
done

# 1. The local registry Tilt pushes images to (kind's documented setup).
if [ "$(docker inspect -f '{{.State.Running}}' "$REG_NAME" 2>/dev/null || true)" != true ]; then
  docker run -d --restart=always -p "127.0.0.1:$REG_PORT:5000" --network bridge --name "$REG_NAME" registry:2
fi

# 2. The cluster.
if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --config k8s/kind.yaml --wait 120s
fi
kubectl config use-context "kind-$CLUSTER"

# 3. Nodes resolve localhost:5001 to the registry container; the registry joins kind's network.
for node in $(kind get nodes --name "$CLUSTER"); do
  docker exec "$node" mkdir -p "/etc/containerd/certs.d/localhost:$REG_PORT"
  printf '[host."http://%s:5000"]\n' "$REG_NAME" | docker exec -i "$node" cp /dev/stdin "/etc/containerd/certs.d/localhost:$REG_PORT/hosts.toml"
done
if [ "$(docker inspect -f '{{json .NetworkSettings.Networks.kind}}' "$REG_NAME")" = null ]; then
  docker network connect kind "$REG_NAME"
fi
# Tells Tilt (and anyone) where to push: KEP-1755's local-registry-hosting ConfigMap.
kubectl apply -f - <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:$REG_PORT"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
YAML

# 4. The namespace (restricted Pod Security) and the Dapr control plane.
kubectl apply -f k8s/namespace.yaml
helm repo add dapr https://dapr.github.io/helm-charts/ --force-update >/dev/null
helm repo update dapr >/dev/null
helm upgrade --install dapr dapr/dapr --version="$DAPR_VERSION" --namespace dapr-system --create-namespace --wait
kubectl -n dapr-system get pods
echo "k8s/up.sh: cluster kind-$CLUSTER ready with Dapr $DAPR_VERSION; next: tilt up (or tilt up -- --broker=kafka)"
