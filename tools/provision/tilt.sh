#!/usr/bin/env bash
# Prints the path of tilt $TILT_VERSION: $TILT_BIN when it reports that version, else the cached build,
# else built from the Go module proxy with the wrapper module in tools/tilt (tilt's go.mod has replace
# lines, so `go install` refuses it; it also needs cgo for its tree-sitter dependency).
# The module carries no web UI assets (a release build embeds them from tilt's web/ build), and a tilt without
# them refuses to start; the build embeds one page in their place that says so (tools/tilt/no-web-ui.html), and
# everything else (the engine, the API, `tilt get`, the terminal) is tilt's own.
source "$(dirname "$0")/lib.sh"
UI_MARKER="eda-lab: no tilt web UI in this build"
ok_version() {
  [ -x "$1" ] && [[ "$("$1" version 2>/dev/null)" == "v$TILT_VERSION"* ]] && grep -qa "$UI_MARKER" "$1"
}

for candidate in "${TILT_BIN:-}" "$LAB_CACHE/bin/tilt-$TILT_VERSION/tilt"; do
  if [ -n "$candidate" ] && ok_version "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

command -v go >/dev/null || fail "tilt $TILT_VERSION is missing and Go is not installed to build it (Go >= 1.26)."
command -v gcc >/dev/null || fail "tilt needs cgo: install a C compiler (Debian: apt-get install -y gcc) and run again."
target="$LAB_CACHE/bin/tilt-$TILT_VERSION/tilt"
mkdir -p "$(dirname "$target")"
say "building tilt $TILT_VERSION from the Go module proxy (first time: 5-10 min)"
start=$(date +%s)
build="$LAB_CACHE/build/tilt-$TILT_VERSION"
(
  set -euo pipefail
  # A writable copy of tilt's module with the one page in pkg/assets/build (files in the module cache cannot be
  # changed, nor overlaid), and the wrapper module pointed at it.
  rm -rf "$build" && mkdir -p "$build/wrapper"
  cp "$REPO_ROOT/tools/tilt/go.mod" "$REPO_ROOT/tools/tilt/go.sum" "$build/wrapper/"
  cd "$build/wrapper"
  go mod download github.com/tilt-dev/tilt
  src="$(go list -m -f '{{.Dir}}' github.com/tilt-dev/tilt)"
  cp -a "$src" "$build/tilt" && chmod -R u+w "$build/tilt"
  cp "$REPO_ROOT/tools/tilt/no-web-ui.html" "$build/tilt/pkg/assets/build/index.html"
  go mod edit -replace "github.com/tilt-dev/tilt=$build/tilt"
  # The ldflags set what `tilt version` prints (cmd/tilt/main.go: the variables goreleaser sets).
  CGO_ENABLED=1 nice -n 10 go build -trimpath \
    -ldflags "-s -w -X main.version=$TILT_VERSION -X main.date=$(date -u +%Y-%m-%d)" \
    -o "$target.partial" github.com/tilt-dev/tilt/cmd/tilt
) >&2 || fail "tilt build failed (see the Go output above)"
rm -rf "$build"
mv "$target.partial" "$target"
say "built tilt in $(( $(date +%s) - start )) s"
ok_version "$target" || fail "$target does not report version v$TILT_VERSION or lacks its UI page"
echo "$target"
