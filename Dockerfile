# syntax=docker/dockerfile:1
# Larder: build with the full toolchain, run with production dependencies only, as a non-root user.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so source edits reuse the cached npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY routes ./routes
COPY schemas ./schemas
COPY config ./config
COPY openapi ./openapi
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config/larder.example.json ./config/larder.example.json
# The image's `node` user (uid 1000) owns the data volume and nothing else.
RUN mkdir -p /data && chown node:node /data
USER node
# Listen on every interface inside the container. Protected mode then refuses to start until
# LARDER_AUTH_TOKENS is set (or LARDER_SECURITY_ALLOW_UNPROTECTED=true on a private network).
ENV LARDER_HTTP_HOST=0.0.0.0 \
    LARDER_HTTP_PORT=8080 \
    LARDER_RESP_HOST=0.0.0.0 \
    LARDER_RESP_PORT=6380 \
    LARDER_DATA_DIR=/data
EXPOSE 8080 6380
VOLUME ["/data"]
# Slim images have no curl: node's own fetch asks the readiness route (no token needed).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.LARDER_HTTP_PORT || 8080) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, so `docker stop` saves a final snapshot.
ENTRYPOINT ["node", "dist/src/cli.js"]
