#!/usr/bin/env bash
# A Docker engine for the cluster. One that already answers is used as it is and never reconfigured.
# Otherwise (root, Debian) docker.io is installed from Debian's packages and dockerd is started here, with its
# data under $LAB_CACHE (so images survive as a cache), its pid remembered for `./lab cluster down`, and
# the runc wrapper as default runtime only when the capability bounding set lacks CAP_SYS_RESOURCE.
# usage: engine.sh start|stop|status
source "$(dirname "$0")/lib.sh"
ENGINE_DIR="$CLUSTER_CACHE/docker"
PID_FILE="$STATE_DIR/dockerd.pid"

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# CAP_SYS_RESOURCE is capability 24: is its bit set in this process's bounding set?
has_sys_resource() {
  local mask
  mask="$(awk '/^CapBnd:/ {print $2}' /proc/self/status)"
  (((0x$mask >> 24) & 1))
}

started_here() { [ -f "$PID_FILE" ] && [ "$(cat "/proc/$(cat "$PID_FILE")/comm" 2>/dev/null)" = dockerd ]; }

start() {
  if engine_answers; then
    if started_here; then say "Docker engine: ours (pid $(cat "$PID_FILE")), already running"; else say "Docker engine: using the one that runs ($(docker version --format '{{.Server.Version}}'))"; fi
    return 0
  fi
  command -v dockerd >/dev/null || {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || fail "no Docker engine answers and dockerd is missing: install Docker (or run as root on Debian to let this script install docker.io)"
    say "installing docker.io from Debian packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io jq >&2 || fail "apt-get install docker.io failed"
  }
  [ "$(id -u)" = 0 ] || fail "no Docker engine answers; starting dockerd needs root (or start Docker yourself)"
  mkdir -p "$ENGINE_DIR"
  local runtime=()
  if ! has_sys_resource; then
    say "this host's capability bounding set lacks CAP_SYS_RESOURCE: privileged containers go through tools/cluster/runc-wrapper"
    install -m 0755 "$CLUSTER_DIR/runc-wrapper" "$ENGINE_DIR/runc-wrapper"
    runtime=(--add-runtime "lab-runc=$ENGINE_DIR/runc-wrapper" --default-runtime lab-runc)
  fi
  say "starting dockerd (data in $ENGINE_DIR, log in $ENGINE_DIR/dockerd.log)"
  setsid dockerd --data-root "$ENGINE_DIR/data" --exec-root "$ENGINE_DIR/exec" --pidfile "$ENGINE_DIR/dockerd.pidfile" \
    --storage-driver overlay2 "${runtime[@]}" >"$ENGINE_DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local deadline=$(($(date +%s) + 60))
  until engine_answers; do
    kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { tail -20 "$ENGINE_DIR/dockerd.log" >&2; fail "dockerd exited (log above)"; }
    [ "$(date +%s)" -lt $deadline ] || fail "dockerd did not answer within 60 s (see $ENGINE_DIR/dockerd.log)"
    sleep 0.5
  done
  say "Docker engine $(docker version --format '{{.Server.Version}}') up (pid $(cat "$PID_FILE"))"
}

stop() {
  if ! started_here; then
    rm -f "$PID_FILE"
    say "Docker engine: not started by the lab, left alone"
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  say "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  local deadline=$(($(date +%s) + 60))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$(date +%s)" -lt $deadline ] || { kill -KILL "$pid" 2>/dev/null || true; break; }
    sleep 0.5
  done
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if engine_answers; then echo "docker engine: up$(started_here && echo " (started by the lab, pid $(cat "$PID_FILE"))")"; else echo "docker engine: down"; fi ;;
  *) fail "usage: engine.sh start|stop|status" ;;
esac
