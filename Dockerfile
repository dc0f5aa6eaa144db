# syntax=docker/dockerfile:1.7-labs
# One image per service: docker build --build-arg SERVICE=order -t eda-lab-order .
# The chaos controller uses the same file: --build-arg SERVICE=chaos --build-arg WORKSPACE=packages/chaos.

# ---- build: every dev dependency, then `tsc -b` of the one workspace and the packages it references.
FROM node:24-slim AS build
ARG SERVICE
ARG WORKSPACE=services/${SERVICE}
WORKDIR /src
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<name> (services/catalog.json)" >&2; exit 1)
# Manifests first, so the npm ci layer is reused until a package.json or the lockfile changes. Every
# workspace's package.json by glob (COPY --parents, hence the labs syntax): a new service needs no edit here.
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY --parents packages/*/package.json services/*/package.json ./
RUN npm ci --no-audit --no-fund
COPY packages/ packages/
COPY services/ services/
RUN npx tsc -b "${WORKSPACE}"
# What the runtime stage needs: every workspace manifest (npm ci checks them against the lockfile) and the
# compiled output of the workspaces this one depends on. No sources, no tests, no dev tooling.
RUN mkdir -p /out && cp package.json package-lock.json /out/ \
 && for m in packages/*/package.json services/*/package.json; do \
      d="$(dirname "$m")"; mkdir -p "/out/$d"; cp "$m" "/out/$d/"; \
      if [ -d "$d/dist" ]; then cp -r "$d/dist" "/out/$d/"; fi; \
    done \
 && find /out -name '*.tsbuildinfo' -delete -o -name '*.map' -delete

# ---- dev: the build stage as the app user, for Tilt's live update (sync sources, `tsc -b`, node --watch
# restarts on the new dist). Never shipped: `docker build` without --target stops at runtime, the last stage.
FROM build AS dev
ARG WORKSPACE
RUN chown -R 1000:1000 /src/packages /src/services
USER 1000:1000
WORKDIR /src/${WORKSPACE}
CMD ["node", "--watch", "dist/main.js"]

# ---- runtime: production dependencies of this workspace only, as a non-root user.
FROM node:24-slim AS runtime
ARG SERVICE
ARG WORKSPACE=services/${SERVICE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ ./
RUN npm ci --omit=dev --workspace "${WORKSPACE}" --no-audit --no-fund \
 && npm cache clean --force
# The node image's unprivileged user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# Same entry point as local mode (dapr.yaml: `node dist/main.js` in services/<name>).
WORKDIR /app/${WORKSPACE}
EXPOSE 3000
CMD ["node", "dist/main.js"]
