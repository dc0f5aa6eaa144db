#!/usr/bin/env bash
# Prints the path of a daprd ${DAPR_VERSION%.*}.x: one already installed (~/.dapr/bin, PATH), else the
# official release when it can be downloaded, else built from the Go module proxy with tools/daprd.
source "$(dirname "$0")/lib.sh"
want_minor="${DAPR_VERSION%.*}"
ok_version() { [ -x "$1" ] && [[ "$("$1" --version 2>/dev/null)" == "$want_minor".* ]]; }

for candidate in "${DAPRD_BIN:-}" "$HOME/.dapr/bin/daprd" "$(command -v daprd || true)"; do
  if [ -n "$candidate" ] && ok_version "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

target="$HOME/.dapr/bin/daprd"
mkdir -p "$(dirname "$target")"
arch="$(uname -m)"; case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
url="https://github.com/dapr/dapr/releases/download/v$DAPR_VERSION/daprd_linux_$arch.tar.gz"
if command -v curl >/dev/null && curl -fsSL --max-time 120 --connect-timeout 5 -o "$LAB_CACHE/daprd.tgz" "$url" 2>/dev/null; then
  say "downloaded the official daprd $DAPR_VERSION release"
  tar -xzf "$LAB_CACHE/daprd.tgz" -C "$(dirname "$target")" daprd && rm -f "$LAB_CACHE/daprd.tgz"
else
  command -v go >/dev/null || fail "daprd $DAPR_VERSION is not installed, cannot be downloaded, and Go is missing to build it. Install Go >= 1.26 or the Dapr CLI (dapr init --slim)."
  say "building daprd $DAPR_VERSION from the Go module proxy (first time: about 5-15 min, several GB of Go cache)"
  start=$(date +%s)
  (
    cd "$REPO_ROOT/tools/daprd"
    CGO_ENABLED=0 go build -trimpath -tags allcomponents \
      -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" \
      -o "$target.partial" github.com/dapr/dapr/cmd/daprd
  ) >&2 || fail "daprd build failed (see the Go output above)"
  mv "$target.partial" "$target"
  say "built daprd in $(( $(date +%s) - start )) s"
fi
ok_version "$target" || fail "$target does not report version $want_minor.x"
echo "$target"
