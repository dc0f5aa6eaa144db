#!/usr/bin/env bash
# The binaries an offline kind cluster needs, built from the Go module proxy once and cached by version:
#   Kubernetes (tools/kube): kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy, kubelet, kubeadm, kubectl
#   etcd (tools/etcd), coredns, crictl, kind, kube-network-policies (go install at their pinned versions)
#   the Dapr control plane (tools/daprd: operator, injector, sentry, placement), beside the daprd the local
#   runtime already built. Dapr's scheduler is not built: one of its dependencies is not served by the proxy.
# Every build reuses the Go caches the daprd build filled. usage: build.sh [kube|etcd|go-tools|netpol|dapr|all]
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || fail "Go >= 1.26 is needed to build the cluster's binaries"
KUBE_CMDS="kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl"
DAPR_DIR="$LAB_CACHE/dapr-$DAPR_VERSION"

kube() {
  local missing="" c
  for c in $KUBE_CMDS; do [ -x "$KUBE_BIN/$c" ] || missing="$missing $c"; done
  [ -n "$missing" ] || return 0
  # What `kubectl version` and the node report: the release's own version stamps (hack/lib/version.sh).
  local ld="-s -w" p minor="${KUBERNETES_VERSION#*.}"
  minor="${minor%%.*}"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=v$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ld="$ld -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=2026-01-01T00:00:00Z"
  done
  mkdir -p "$KUBE_BIN"
  step "building Kubernetes v$KUBERNETES_VERSION:$missing (cold: about 18 min on 2 cores; warm: a relink)" \
    bash -c "cd '$REPO_ROOT/tools/kube' && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags '$ld' -o '$KUBE_BIN/' $(for c in $missing; do printf 'k8s.io/kubernetes/cmd/%s ' "$c"; done)"
}

# go_tool NAME VERSION PACKAGE: `go install` into $TOOLS_BIN/NAME-VERSION, linked as $TOOLS_BIN/NAME.
go_tool() {
  local name="$1" version="$2" pkg="$3" dir="$TOOLS_BIN/$1-$2"
  if [ ! -x "$dir/$name" ]; then
    mkdir -p "$dir"
    step "building $name $version" env GOBIN="$dir" CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags "-s -w" "$pkg@v$version"
  fi
  ln -sfn "$dir/$name" "$TOOLS_BIN/$name"
}

etcd() {
  local dir="$TOOLS_BIN/etcd-$ETCD_VERSION"
  if [ ! -x "$dir/etcd" ]; then
    mkdir -p "$dir"
    step "building etcd $ETCD_VERSION" bash -c "cd '$REPO_ROOT/tools/etcd' && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags '-s -w' -o '$dir/etcd' go.etcd.io/etcd/server/v3"
  fi
  ln -sfn "$dir/etcd" "$TOOLS_BIN/etcd"
}

go_tools() {
  go_tool kind "$KIND_VERSION" sigs.k8s.io/kind
  go_tool crictl "$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl
  go_tool coredns "$COREDNS_VERSION" github.com/coredns/coredns
}

# kube-network-policies, with one change of ours: its two NFQUEUE rules use the xtables NFQUEUE target through
# nft_compat (images/netpol-xtqueue.go) instead of nftables' own queue expression, which some kernels are built
# without (this machine's: `nft add rule ... queue` answers "No such file or directory", and the enforcer syncs no
# rule at all); the same kernels have xt NFQUEUE, as iptables uses it. Built from a copy of the module's source.
netpol() {
  local v="$KUBE_NETWORK_POLICIES_VERSION" dir="$TOOLS_BIN/netpol-$KUBE_NETWORK_POLICIES_VERSION-xtqueue"
  local mod src="$CLUSTER_CACHE/src/kube-network-policies-$KUBE_NETWORK_POLICIES_VERSION"
  if [ ! -x "$dir/netpol" ]; then
    mod="$(go env GOMODCACHE)/sigs.k8s.io/kube-network-policies@v$v"
    [ -d "$mod" ] || GOFLAGS=-mod=mod go mod download "sigs.k8s.io/kube-network-policies@v$v"
    rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$mod" "$src" && chmod -R u+w "$src"
    sed -i -e 's|queue := &expr.Queue{Num: uint16(c.config.QueueID)}|queue := xtQueue(uint16(c.config.QueueID), c.config.FailOpen)|' \
      -e 's|^\t\tqueue.Flag = expr.QueueFlagBypass$|\t\t_ = 0 // the bypass flag is set by xtQueue|' "$src/pkg/networkpolicy/controller.go"
    [ "$(grep -c 'xtQueue(' "$src/pkg/networkpolicy/controller.go")" = 2 ] || fail "kube-network-policies $v: its queue rules are not where build.sh expects them"
    cp "$CLUSTER_DIR/images/netpol-xtqueue.go" "$src/pkg/networkpolicy/xtqueue.go"
    mkdir -p "$dir"
    step "building kube-network-policies $v (xt NFQUEUE; cold: about 2 min)" \
      bash -c "cd '$src' && CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 10 go build -trimpath -ldflags '-s -w' -o '$dir/netpol' ./cmd"
  fi
  ln -sfn "$dir/netpol" "$TOOLS_BIN/netpol"
}

dapr() {
  local missing="" c
  for c in operator injector sentry placement; do [ -x "$DAPR_DIR/$c" ] || missing="$missing $c"; done
  if [ -n "$missing" ]; then
    mkdir -p "$DAPR_DIR"
    # Same module, tags and flags as daprd (tools/provision/daprd.sh), so most packages come from the build cache.
    step "building the Dapr $DAPR_VERSION control plane:$missing (cold: about 5 min)" \
      bash -c "cd '$REPO_ROOT/tools/daprd' && CGO_ENABLED=0 nice -n 10 go build -trimpath -tags allcomponents -ldflags '-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION' -o '$DAPR_DIR/' $(for c in $missing; do printf 'github.com/dapr/dapr/cmd/%s ' "$c"; done)"
  fi
  local daprd
  daprd="$("$REPO_ROOT/tools/provision/daprd.sh")"
  cmp -s "$daprd" "$DAPR_DIR/daprd" || cp "$daprd" "$DAPR_DIR/daprd"
}

case "${1:-all}" in
  kube) kube ;;
  etcd) etcd ;;
  go-tools) go_tools ;;
  netpol) netpol ;;
  dapr) dapr ;;
  all) kube; etcd; go_tools; netpol; dapr ;;
  *) fail "usage: build.sh [kube|etcd|go-tools|netpol|dapr|all]" ;;
esac
