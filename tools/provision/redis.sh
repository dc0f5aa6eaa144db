#!/usr/bin/env bash
# Makes sure redis-server is on PATH: the machine's, or Debian's package when we are root.
source "$(dirname "$0")/lib.sh"
if command -v redis-server >/dev/null; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  fail "redis-server is missing. Install it (Debian/Ubuntu: sudo apt-get install -y $REDIS_DEBIAN_PACKAGE; macOS: brew install redis) and run again."
fi
say "installing $REDIS_DEBIAN_PACKAGE from Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$REDIS_DEBIAN_PACKAGE" >/dev/null 2>&1 || {
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$REDIS_DEBIAN_PACKAGE" >/dev/null
}
# The package may start a system-wide server; the lab runs its own on its own port.
command -v redis-server >/dev/null || fail "redis-server still missing after apt-get install"
