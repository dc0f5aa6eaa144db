#!/usr/bin/env bash
# Prints the directory holding prometheus and promtool $PROMETHEUS_VERSION (test/e2e/prometheus.test.ts scrapes
# the local system with it; the alert rules are checked with promtool): $PROMETHEUS_BIN's directory when both
# report that version, else the cached build ($LAB_CACHE/bin/prometheus-<version>/), else `go install` from the Go
# module proxy (Prometheus 3.x is the module github.com/prometheus/prometheus at v0.<3xx>.<patch>, no replace lines).
# Built with -tags remove_all_sd: static, file and HTTP service discovery only (the tests list their targets;
# the cloud and Kubernetes discoveries would triple the build). Without the builtinassets tag the web UI is not
# embedded; the HTTP API (/api/v1/*) is all the tests use.
source "$(dirname "$0")/lib.sh"
ok_version() { [ -x "$1" ] && [[ "$("$1" --version 2>/dev/null)" == *"version $PROMETHEUS_VERSION "* ]]; }
ok_dir() { ok_version "$1/prometheus" && ok_version "$1/promtool"; }

for candidate in "$([ -n "${PROMETHEUS_BIN:-}" ] && dirname "$PROMETHEUS_BIN")" "$LAB_CACHE/bin/prometheus-$PROMETHEUS_VERSION"; do
  if [ -n "$candidate" ] && ok_dir "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

command -v go >/dev/null || fail "prometheus $PROMETHEUS_VERSION is missing and Go is not installed to build it (Go >= 1.26)."
IFS=. read -r major minor patch <<<"$PROMETHEUS_VERSION"
module_version="v0.$((major * 100 + minor)).$patch"
target="$LAB_CACHE/bin/prometheus-$PROMETHEUS_VERSION"
mkdir -p "$target"
say "building prometheus and promtool $PROMETHEUS_VERSION (module $module_version) from the Go module proxy (first time: a few minutes)"
start=$(date +%s)
tmp="$(mktemp -d)"
# The ldflags are the release's (.promu.yml): what `--version` prints.
v=github.com/prometheus/common/version
GOBIN="$tmp" CGO_ENABLED=0 nice -n 10 go install -trimpath -tags remove_all_sd \
  -ldflags "-s -w -X $v.Version=$PROMETHEUS_VERSION -X $v.Revision=$module_version -X $v.Branch=HEAD \
    -X $v.BuildUser=eda-lab -X $v.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
  "github.com/prometheus/prometheus/cmd/prometheus@$module_version" \
  "github.com/prometheus/prometheus/cmd/promtool@$module_version" >&2 ||
  fail "prometheus build failed (see the Go output above)"
mv "$tmp/prometheus" "$tmp/promtool" "$target/" && rm -rf "$tmp"
say "built prometheus and promtool in $(($(date +%s) - start)) s"
ok_dir "$target" || fail "$target/prometheus or promtool does not report version $PROMETHEUS_VERSION"
echo "$target"
