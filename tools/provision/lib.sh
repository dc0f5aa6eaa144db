# Shared helpers for the provisioning scripts (sourced, not run).
set -euo pipefail
PROVISION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$PROVISION_DIR/../.." && pwd)"
# shellcheck source=versions.env
source "$PROVISION_DIR/versions.env"
LAB_CACHE="${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eda-lab}"
mkdir -p "$LAB_CACHE"

say() { printf '\033[1;34m[provision]\033[0m %s\n' "$*" >&2; }
fail() {
  printf '\033[1;31m[provision] %s\033[0m\n' "$*" >&2
  exit 1
}
