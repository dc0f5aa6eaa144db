#!/usr/bin/env bash
# Prints the path of actionlint $ACTIONLINT_VERSION (lints .github/workflows): $ACTIONLINT_BIN when it reports
# that version, else the cached build, else `go install` from the Go module proxy into $LAB_CACHE/bin.
source "$(dirname "$0")/lib.sh"
ok_version() { [ -x "$1" ] && "$1" -version 2>/dev/null | head -1 | grep -qx "v\?$ACTIONLINT_VERSION"; }

target="$LAB_CACHE/bin/actionlint-$ACTIONLINT_VERSION/actionlint"
for candidate in "${ACTIONLINT_BIN:-}" "$target"; do
  if [ -n "$candidate" ] && ok_version "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

command -v go >/dev/null || fail "actionlint $ACTIONLINT_VERSION is missing and Go is not installed to build it (Go >= 1.26)."
mkdir -p "$(dirname "$target")"
say "building actionlint $ACTIONLINT_VERSION from the Go module proxy"
start=$(date +%s)
tmp="$(mktemp -d)"
# The version ldflag is the release's (otherwise -version prints the module's pseudo-version or nothing).
GOBIN="$tmp" CGO_ENABLED=0 nice -n 10 go install -trimpath \
  -ldflags "-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
  "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" >&2 || fail "actionlint build failed (see the Go output above)"
mv "$tmp/actionlint" "$target" && rm -rf "$tmp"
say "built actionlint in $(( $(date +%s) - start )) s"
ok_version "$target" || fail "$target does not report version $ACTIONLINT_VERSION"
echo "$target"
