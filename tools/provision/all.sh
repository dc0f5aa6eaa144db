#!/usr/bin/env bash
# The one provisioning entry point: Node, Redis, daprd, npm packages and the build.
# Idempotent and fast when everything is present. Prints `export` lines for the caller to eval.
source "$(dirname "$0")/lib.sh"
t0=$(date +%s)
# One provisioning at a time per cache: two at once (two checkouts, or `./lab up` while `./lab test` provisions)
# build into the same directories and remove each other's half-done work. flock holds the lock while this script
# runs again under it; -o keeps the lock's descriptor from what the script starts (a daemon a package starts must
# not hold it for ever).
if [ -z "${LAB_PROVISION_LOCKED:-}" ]; then
  mkdir -p "$LAB_CACHE"
  lock="$LAB_CACHE/.provision.lock"
  flock -n -o "$lock" true || say "another provisioning is using $LAB_CACHE; waiting for it to finish"
  LAB_PROVISION_LOCKED=1 exec flock -o "$lock" "$0" "$@"
fi
node_bin="$("$PROVISION_DIR/node.sh")"
export PATH="$node_bin:$PATH"
"$PROVISION_DIR/redis.sh"
daprd="$("$PROVISION_DIR/daprd.sh")"
# Kafka only when a broker this command needs is kafka (`./lab test` runs both): Redis-only users need no JDK.
kafka_lib=""
case " ${LAB_BROKER:-} ${LAB_BROKERS:-} " in
  *" kafka "*)
    t_kafka=$(date +%s)
    kafka_lib="$("$PROVISION_DIR/kafka.sh")"
    say "kafka $KAFKA_VERSION jars in $kafka_lib ($(($(date +%s) - t_kafka)) s)"
    ;;
esac

cd "$REPO_ROOT"
stamp="node_modules/.lab-install-stamp"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi
say "building TypeScript"
npx tsc --build >&2
say "ready in $(( $(date +%s) - t0 )) s (node $(node --version), daprd $("$daprd" --version), redis $(redis-server --version | sed -E "s/.*v=([^ ]+).*/\1/"))"
echo "export PATH=\"$node_bin:\$PATH\""
echo "export DAPRD_BIN=\"$daprd\""
[ -z "$kafka_lib" ] || echo "export LAB_KAFKA_LIB=\"$kafka_lib\""
# The OpenAPI fuzzer of test/e2e/fuzz.test.ts (a venv from pip, reused from $LAB_CACHE), only for a command that runs
# the tests (`./lab test` and `./lab provision` set LAB_WITH_FUZZER=1; `./lab up` does not need it). Not a Kubernetes
# tool: LAB_SKIP_K8S_TOOLS leaves it alone.
if [ "${LAB_WITH_FUZZER:-0}" = 1 ]; then
  schemathesis_bin="$("$PROVISION_DIR/schemathesis.sh")"
  echo "export SCHEMATHESIS_BIN=\"$schemathesis_bin\""
fi
# Debian's chromium at /usr/bin/chromium for test/e2e/console.test.ts (the live console in a real browser, driven by
# playwright-core, which downloads nothing), only for a command that runs the tests (LAB_WITH_BROWSER=1, set by
# `./lab test` and `./lab provision`).
if [ "${LAB_WITH_BROWSER:-0}" = 1 ]; then
  "$PROVISION_DIR/chromium.sh"
fi
# Prometheus and promtool for test/e2e/prometheus.test.ts and the alert rules' check (built once from the Go module
# proxy, then reused from $LAB_CACHE/bin), only for a command that runs the tests (`./lab test` and `./lab provision`
# set LAB_WITH_PROMETHEUS=1; `./lab up` does not wait for it). Not a Kubernetes tool: LAB_SKIP_K8S_TOOLS leaves it alone.
if [ "${LAB_WITH_PROMETHEUS:-0}" = 1 ]; then
  t_prometheus=$(date +%s)
  prometheus_dir="$("$PROVISION_DIR/prometheus.sh")"
  say "prometheus $PROMETHEUS_VERSION in $prometheus_dir ($(($(date +%s) - t_prometheus)) s)"
  echo "export PROMETHEUS_BIN=\"$prometheus_dir/prometheus\""
  echo "export PROMTOOL_BIN=\"$prometheus_dir/promtool\""
fi
# Kubernetes delivery tools for test/k8s (built once from the Go module proxy, then reused from $LAB_CACHE/bin).
# LAB_SKIP_K8S_TOOLS=1 skips them (e.g. `./lab up` on a fresh machine, where tilt's first build takes minutes).
if [ "${LAB_SKIP_K8S_TOOLS:-0}" != 1 ]; then
  # One after another on purpose: each build uses every core.
  helm_bin="$("$PROVISION_DIR/helm.sh")"
  tilt_bin="$("$PROVISION_DIR/tilt.sh")"
  actionlint_bin="$("$PROVISION_DIR/actionlint.sh")"
  echo "export HELM_BIN=\"$helm_bin\""
  echo "export TILT_BIN=\"$tilt_bin\""
  echo "export ACTIONLINT_BIN=\"$actionlint_bin\""
fi
