# Shared helpers for the cluster scripts (sourced, not run). Builds on tools/provision/lib.sh: the same pins
# (versions.env), the same cache ($LAB_CACHE), the same way of talking.
# shellcheck source=../provision/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../provision" && pwd)/lib.sh"
CLUSTER_DIR="$REPO_ROOT/tools/cluster"
CLUSTER_NAME="${LAB_CLUSTER_NAME:-eda-lab}"
# Everything the cluster scripts build or remember lives here, outside the repository.
CLUSTER_CACHE="$LAB_CACHE/cluster"
KUBE_BIN="$LAB_CACHE/kube-v$KUBERNETES_VERSION"
TOOLS_BIN="$LAB_CACHE/bin/cluster"
STATE_DIR="$CLUSTER_CACHE/state"
export KUBECONFIG="${LAB_KUBECONFIG:-$CLUSTER_CACHE/kubeconfig}"
mkdir -p "$CLUSTER_CACHE" "$TOOLS_BIN" "$STATE_DIR"
export PATH="$TOOLS_BIN:$KUBE_BIN:$PATH"

# Runs a step and says how long it took: `step "building kubelet" cmd args...`.
step() {
  local what="$1" t0
  shift
  t0=$(date +%s)
  say "$what ..."
  "$@"
  say "$what: done in $(($(date +%s) - t0)) s"
}

# Go builds share the daprd build's module and build caches (the default GOPATH/GOCACHE), at low priority.
gobuild() { CGO_ENABLED=0 nice -n 10 go build -trimpath "$@"; }

# The Debian mirror this machine's apt already uses (deb822 sources first, then the classic list).
debian_mirror() {
  local m
  m="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  [ -n "$m" ] || m="$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  [ -n "$m" ] || fail "no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list (debootstrap needs the one apt uses)"
  echo "$m"
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
say() { printf '\033[1;35m[cluster]\033[0m %s\n' "$*" >&2; }
fail() {
  printf '\033[1;31m[cluster] %s\033[0m\n' "$*" >&2
  exit 1
}
