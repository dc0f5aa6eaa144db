#!/usr/bin/env bash
# The kind cluster `eda-lab` with the Dapr control plane at the pinned version: `./lab cluster up|down|status|apps`.
#   online  (a registry answers): kind's stock node image, Dapr's chart and images from their registries.
#   offline (no registry, as on an air-gapped site): every image built here (base-image.sh, build.sh, images.sh).
# LAB_CLUSTER_MODE=online|offline forces a mode; the default probes the registry once.
# Idempotent: `up` again repairs what is missing. `down` deletes the cluster, restores the sysctls kubelet
# changed, and stops the Docker engine if `up` started it.
source "$(dirname "$0")/lib.sh"
SYSCTLS="vm.overcommit_memory kernel.panic kernel.panic_on_oops"
MODE_FILE="$STATE_DIR/mode"
VALUES_FILE="$STATE_DIR/chart-values.yaml"
# The app images the chart's dev profiles name (image.prefix eda-lab-, tag dev), built from the Dockerfile.
APP_TAG=dev

mode() {
  if [ -n "${LAB_CLUSTER_MODE:-}" ]; then echo "$LAB_CLUSTER_MODE"; return; fi
  if [ -f "$MODE_FILE" ]; then cat "$MODE_FILE"; return; fi
  if curl -fsS --max-time 5 -o /dev/null "https://registry-1.docker.io/v2/" 2>/dev/null || curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "https://registry-1.docker.io/v2/" 2>/dev/null | grep -q 401; then
    echo online
  else
    echo offline
  fi
}

cluster_exists() { kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"; }

# The node container runs, the API server is ready and the node is Ready, within $1 seconds.
cluster_answers() {
  local deadline=$(($(date +%s) + $1))
  [ "$(docker inspect -f '{{.State.Running}}' "$CLUSTER_NAME-control-plane" 2>/dev/null)" = true ] || return 1
  until kubectl get --raw /readyz >/dev/null 2>&1 && kubectl get nodes --no-headers 2>/dev/null | grep -qw Ready; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 2
  done
}

kind_config() {
  local node_image="$1" offline="$2"
  cat <<YAML
# Written by tools/cluster/cluster.sh. One node; the public APIs reach the host's 127.0.0.1:${LAB_CLUSTER_ORDER_PORT:-3000}
# (order) and :${LAB_CLUSTER_USER_PORT:-3001} (user) through the NodePorts 30000/30001.
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: $CLUSTER_NAME
nodes:
  - role: control-plane
    image: $node_image
    extraPortMappings:
      - { containerPort: 30000, hostPort: ${LAB_CLUSTER_ORDER_PORT:-3000}, listenAddress: 127.0.0.1, protocol: TCP }
      - { containerPort: 30001, hostPort: ${LAB_CLUSTER_USER_PORT:-3001}, listenAddress: 127.0.0.1, protocol: TCP }
YAML
  if [ "$offline" = 1 ]; then
    cat <<'YAML'
# The node image carries a static bridge network (kind's own kindnetd is not buildable here).
networking: { disableDefaultCNI: true, ipFamily: ipv4 }
YAML
  fi
  cat <<'YAML'
kubeadmConfigPatches:
  # kubelet >= 1.35 refuses cgroup v1 unless told; hosts with v2 ignore this.
  - |
    kind: KubeletConfiguration
    failCgroupV1: false
YAML
}

dapr_chart_args() {
  # The injector drops every capability of daprd, so sidecars pass the restricted Pod Security profile
  # (k8s/namespace.yaml enforces it): without this every service pod is refused.
  echo --set dapr_sidecar_injector.sidecarDropALLCapabilities=true --set global.ha.enabled=false
}

up() {
  local m offline=0 t0
  t0=$(date +%s)
  m="$(mode)"
  [ "$m" = offline ] && offline=1
  say "mode: $m (LAB_CLUSTER_MODE=online|offline overrides)"
  "$CLUSTER_DIR/engine.sh" start
  local node_image="kindest/node:v$KUBERNETES_VERSION"
  if [ $offline = 1 ]; then
    step "base image" "$CLUSTER_DIR/base-image.sh"
    step "binaries" "$CLUSTER_DIR/build.sh" all
    step "images" "$CLUSTER_DIR/images.sh" all
    node_image="local/kind-node:v$KUBERNETES_VERSION"
  else
    "$CLUSTER_DIR/build.sh" go-tools
    [ -x "$KUBE_BIN/kubectl" ] || command -v kubectl >/dev/null || "$CLUSTER_DIR/build.sh" kube
  fi
  echo "$m" >"$MODE_FILE"
  # A cluster left by a run that was cut off (its engine killed, its node container stopped or restarted without
  # the host's settings) is made again rather than trusted: `up` repairs.
  if cluster_exists && ! cluster_answers 90; then
    say "cluster $CLUSTER_NAME exists but does not answer (node container stopped, API server or node not ready): making it again"
    step "kind delete cluster $CLUSTER_NAME" kind delete cluster --name "$CLUSTER_NAME" --kubeconfig "$KUBECONFIG"
  fi
  if ! cluster_exists; then
    # kubelet rewrites these machine-wide sysctls and fails rather than skip them: remember them for `down`.
    [ -f "$STATE_DIR/sysctl.before" ] || for k in $SYSCTLS; do echo "$k=$(sysctl -n "$k")"; done >"$STATE_DIR/sysctl.before"
    cp "$STATE_DIR/sysctl.before" "$STATE_DIR/sysctl.first"
    kind_config "$node_image" $offline >"$STATE_DIR/kind.yaml"
    step "kind create cluster $CLUSTER_NAME" kind create cluster --config "$STATE_DIR/kind.yaml" --kubeconfig "$KUBECONFIG" --wait 120s
  fi
  kubectl -n kube-system rollout status deploy/coredns --timeout=180s >&2
  kubectl apply -f "$REPO_ROOT/k8s/namespace.yaml" >&2
  local helm_bin
  helm_bin="$("$REPO_ROOT/tools/provision/helm.sh")"
  if [ $offline = 1 ]; then
    step "loading the Dapr images" kind load docker-image --name "$CLUSTER_NAME" $(for n in operator injector sentry placement daprd; do echo "ghcr.io/dapr/$n:$DAPR_VERSION"; done)
    local chart="$CLUSTER_CACHE/dapr-chart-$DAPR_VERSION"
    if [ ! -f "$chart/Chart.yaml" ]; then
      GOFLAGS=-mod=mod go mod download "github.com/dapr/dapr@v$DAPR_VERSION"
      rm -rf "$chart" && cp -r "$(go env GOMODCACHE)/github.com/dapr/dapr@v$DAPR_VERSION/charts/dapr" "$chart" && chmod -R u+w "$chart"
    fi
    # No scheduler (not buildable here; the lab uses no jobs, actors or workflows); placement keeps its log in memory.
    # shellcheck disable=SC2046
    step "installing the Dapr $DAPR_VERSION control plane" "$helm_bin" upgrade --install dapr "$chart" -n dapr-system --create-namespace \
      --wait --timeout 5m --set global.registry=ghcr.io/dapr --set global.tag="$DAPR_VERSION" \
      --set global.scheduler.enabled=false --set dapr_placement.cluster.forceInMemoryLog=true $(dapr_chart_args) >&2
    # The node's static bridge network enforces no NetworkPolicy: the enforcer kind's kindnetd embeds, on its own.
    local netpol_image="local/kube-network-policies:v$KUBE_NETWORK_POLICIES_VERSION-xtqueue"
    step "loading the NetworkPolicy enforcer" kind load docker-image --name "$CLUSTER_NAME" "$netpol_image"
    sed "s|local/kube-network-policies:vVERSION|$netpol_image|" "$CLUSTER_DIR/netpol.yaml" | kubectl apply -f - >&2
    kubectl -n kube-system rollout status ds/kube-network-policies --timeout=120s >&2
    cat >"$VALUES_FILE" <<YAML
# Written by tools/cluster/cluster.sh: the in-release brokers from images built on this machine.
devInfra:
  redis: { image: 'local/redis:$DEBIAN_SUITE' }
  kafka: { image: 'local/kafka:$KAFKA_VERSION' }
  zipkin: { enabled: false }
# No in-release Zipkin offline, so no exporter: daprd would log a failed export every few seconds otherwise.
dapr:
  tracing: { zipkinEndpoint: '' }
YAML
  else
    "$helm_bin" repo add dapr https://dapr.github.io/helm-charts/ --force-update >/dev/null
    # shellcheck disable=SC2046
    step "installing the Dapr $DAPR_VERSION control plane" "$helm_bin" upgrade --install dapr dapr/dapr --version "$DAPR_VERSION" \
      -n dapr-system --create-namespace --wait --timeout 5m $(dapr_chart_args) >&2
    printf '# Written by tools/cluster/cluster.sh: online, the chart'"'"'s own images.\n{}\n' >"$VALUES_FILE"
  fi
  say "cluster kind-$CLUSTER_NAME ready with Dapr $DAPR_VERSION in $(($(date +%s) - t0)) s (KUBECONFIG=$KUBECONFIG)"
}

# Builds every service's image (and the chaos controller's) with the real engine and loads them into the node.
apps() {
  local m base=() names tags=() n
  m="$(mode)"
  [ "$m" = offline ] && base=(--build-arg "NODE_IMAGE=local/node:$NODE_VERSION")
  names="$(node -e 'for (const s of require(process.argv[1]).services) console.log(s.name)' "$REPO_ROOT/services/catalog.json") chaos"
  for n in $names; do
    step "image eda-lab-$n:$APP_TAG" nice -n 10 docker build -q "${base[@]}" --build-arg "SERVICE=$n" -t "eda-lab-$n:$APP_TAG" "$REPO_ROOT" >/dev/null
    tags+=("eda-lab-$n:$APP_TAG")
  done
  # Offline, the in-release brokers' images come from this machine too.
  [ "$m" != offline ] || tags+=("local/redis:$DEBIAN_SUITE" "local/kafka:$KAFKA_VERSION")
  step "loading ${#tags[@]} images into the node" kind load docker-image --name "$CLUSTER_NAME" "${tags[@]}"
}

down() {
  if cluster_exists; then step "kind delete cluster $CLUSTER_NAME" kind delete cluster --name "$CLUSTER_NAME" --kubeconfig "$KUBECONFIG"; fi
  if [ -f "$STATE_DIR/sysctl.before" ]; then
    local k v
    while IFS='=' read -r k v; do sysctl -qw "$k=$v"; done <"$STATE_DIR/sysctl.before"
    say "sysctls restored: $(tr '\n' ' ' <"$STATE_DIR/sysctl.before")"
    rm -f "$STATE_DIR/sysctl.before"
  fi
  rm -f "$MODE_FILE"
  "$CLUSTER_DIR/engine.sh" stop
}

# After `down`: no kind container, no dockerd of ours, every remembered sysctl back. Exits 1 naming what is left.
check_clean() {
  local left=0
  if docker version >/dev/null 2>&1 && [ -n "$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$CLUSTER_NAME")" ]; then
    say "left behind: containers of kind cluster $CLUSTER_NAME"; left=1
  fi
  if [ -f "$STATE_DIR/dockerd.pid" ]; then say "left behind: dockerd pid $(cat "$STATE_DIR/dockerd.pid")"; left=1; fi
  if [ -f "$STATE_DIR/sysctl.before" ]; then say "left behind: sysctls not restored ($STATE_DIR/sysctl.before)"; left=1; fi
  if [ -f "$STATE_DIR/sysctl.first" ]; then
    local k v
    while IFS='=' read -r k v; do
      [ "$(sysctl -n "$k")" = "$v" ] || { say "left behind: $k is $(sysctl -n "$k"), was $v before the cluster"; left=1; }
    done <"$STATE_DIR/sysctl.first"
  fi
  [ $left = 0 ] && say "clean: no cluster container, no dockerd of ours, sysctls as before"
  return $left
}

status() {
  "$CLUSTER_DIR/engine.sh" status
  if cluster_exists; then echo "cluster: kind-$CLUSTER_NAME up ($(mode)); KUBECONFIG=$KUBECONFIG"; kubectl get pods -A --no-headers 2>/dev/null | awk '{print "  " $1 "/" $2 " " $4}'; else echo "cluster: none"; fi
}

case "${1:-}" in
  up) up ;;
  apps) apps ;;
  down) down ;;
  status) status ;;
  check-clean) check_clean ;;
  # What a test process needs to reach the cluster: `eval "$(tools/cluster/cluster.sh env)"`.
  env)
    printf 'export KUBECONFIG="%s"\nexport PATH="%s:%s:$PATH"\nexport LAB_CLUSTER_VALUES="%s"\n' "$KUBECONFIG" "$TOOLS_BIN" "$KUBE_BIN" "$VALUES_FILE"
    [ "$(mode)" != offline ] || echo "export LAB_NODE_IMAGE=local/node:$NODE_VERSION"
    ;;
  values) echo "$VALUES_FILE" ;;
  *) fail "usage: cluster.sh up|apps|down|status|check-clean|env|values" ;;
esac
