#!/usr/bin/env bash
# Prints the path of helm $HELM_VERSION: $HELM_BIN when it reports that version, else the cached build
# ($LAB_CACHE/bin/helm-<version>/helm: a directory per version, so it can go on PATH for Tilt's helm()),
# else `go install` from the Go module proxy into $LAB_CACHE/bin (helm's go.mod has no replace lines).
source "$(dirname "$0")/lib.sh"
ok_version() { [ -x "$1" ] && "$1" version --short 2>/dev/null | grep -q "^v$HELM_VERSION"; }

for candidate in "${HELM_BIN:-}" "$LAB_CACHE/bin/helm-$HELM_VERSION/helm"; do
  if [ -n "$candidate" ] && ok_version "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

command -v go >/dev/null || fail "helm $HELM_VERSION is missing and Go is not installed to build it (Go >= 1.26)."
target="$LAB_CACHE/bin/helm-$HELM_VERSION/helm"
mkdir -p "$(dirname "$target")"
say "building helm $HELM_VERSION from the Go module proxy (first time: a few minutes)"
start=$(date +%s)
tmp="$(mktemp -d)"
# The ldflags are the release Makefile's: the version (else `helm version` shows only the minor) and the
# Kubernetes version `helm template`/`lint` assume (1.36: helm 3.21 is built on client-go v0.36; else 1.20).
GOBIN="$tmp" CGO_ENABLED=0 nice -n 10 go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=36 \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=36" \
  "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" >&2 || fail "helm build failed (see the Go output above)"
mv "$tmp/helm" "$target" && rm -rf "$tmp"
say "built helm in $(( $(date +%s) - start )) s"
ok_version "$target" || fail "$target does not report version v$HELM_VERSION"
echo "$target"
