#!/usr/bin/env bash
# The one image every locally built image starts from: a minimal Debian $DEBIAN_SUITE made with debootstrap
# from the Debian mirror apt already uses, imported as local/debian:$DEBIAN_SUITE. The host's CA bundle is
# copied in, so TLS to the package registries works inside builds wherever the host's own does.
source "$(dirname "$0")/lib.sh"
tag="local/debian:$DEBIAN_SUITE"
have_image "$tag" && exit 0
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
root="$CLUSTER_CACHE/rootfs-$DEBIAN_SUITE"
rm -rf "$root.partial"
mirror="$(debian_mirror)" || exit 1
say "debootstrap $DEBIAN_SUITE (minbase) from $mirror"
nice -n 10 debootstrap --variant=minbase "$DEBIAN_SUITE" "$root.partial" "$mirror" >"$CLUSTER_CACHE/debootstrap.log" 2>&1 ||
  { tail -20 "$CLUSTER_CACHE/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }
rm -rf "$root.partial"/var/cache/apt/archives/*.deb "$root.partial"/var/lib/apt/lists/*
cp /etc/ssl/certs/ca-certificates.crt "$root.partial/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || true
tar -C "$root.partial" -c . | docker import - "$tag" >/dev/null
rm -rf "$root.partial"
say "imported $tag"
