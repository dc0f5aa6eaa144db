# One image per service: docker build --build-arg SERVICE=order -t eda-lab-order .
# The chaos controller (services/chaos) uses the same file: --build-arg SERVICE=chaos.
# Works with BuildKit and with the legacy builder (Debian's docker.io has no buildx). NODE_IMAGE picks the base:
# the official node:24-slim by default, the locally built local/node:<version> on an offline cluster
# (tools/cluster/images.sh).
ARG NODE_IMAGE=node:24-slim

# ---- manifests: every workspace's package.json and nothing else, so the npm ci layer below is reused until a
# manifest or the lockfile changes (this stage reruns on any source change; its output is the same files).
FROM ${NODE_IMAGE} AS manifests
COPY packages/ /tree/packages/
COPY services/ /tree/services/
RUN cd /tree && mkdir -p /manifests && find packages services -name package.json -not -path '*/node_modules/*' \
      -exec sh -c 'mkdir -p "/manifests/$(dirname "$1")" && cp "$1" "/manifests/$1"' _ {} \;

# ---- build: every dev dependency, then `tsc -b` of every service (one build stage for all images).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY packages/ packages/
COPY services/ services/
# The services and what they use; the tooling (tools/*, never deployed) is not in the build context.
RUN npx tsc -b services/*/

# ---- dev: the build stage as the app user, for Tilt's live update (sync sources, `tsc -b`, node --watch
# restarts on the new dist). Never shipped: `docker build` without --target stops at runtime, the last stage.
FROM build AS dev
ARG SERVICE
ARG WORKSPACE=services/${SERVICE}
RUN chown -R 1000:1000 /src/packages /src/services
USER 1000:1000
WORKDIR /src/${WORKSPACE}
CMD ["node", "--watch", "dist/main.js"]

# ---- pruned: production dependencies only, compiled output only. No sources, no tests, no dev tooling.
FROM build AS pruned
RUN npm prune --omit=dev --no-audit --no-fund \
 && find packages services -mindepth 2 -maxdepth 2 \( -name src -o -name test -o -name 'tsconfig*.json' \) -exec rm -rf {} + \
 && find . -name '*.tsbuildinfo' -delete -o -name '*.map' -delete \
 && rm -f tsconfig.base.json tsconfig.json && npm cache clean --force

# ---- runtime: the same layers for every service; only the working directory differs.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
COPY --from=pruned /src/ /app/
ARG SERVICE
ARG WORKSPACE=services/${SERVICE}
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<name> (services/catalog.json)" >&2; exit 1)
# The node image's unprivileged user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# Same entry point as local mode (dapr.yaml: `node dist/main.js` in services/<name>).
WORKDIR /app/${WORKSPACE}
EXPOSE 3000
CMD ["node", "dist/main.js"]
