# One image for the playground's Node services (api, worker, receiver): production dependencies only,
# run as the unprivileged `node` user. TypeScript runs through tsx, a production dependency, so there
# is no build step. See docs/PLAYGROUND.md.

# Stage 1: production dependencies, with the project's patches applied.
FROM node:20.18-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends patch \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY patches ./patches
# The root postinstall runs patch-package, a dev dependency; drop that script so `npm ci --omit=dev`
# can run the dependencies' own install scripts, and apply the same patch files with `patch`.
RUN npm pkg delete scripts.postinstall \
  && npm ci --omit=dev --no-audit --no-fund \
  && for p in patches/*.patch; do patch -p1 --forward < "$p"; done \
  && npm cache clean --force

# Stage 2: the runtime image.
FROM node:20.18-bookworm-slim AS runtime
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node . .
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
# The api's liveness; the compose file gives the worker and receiver checks of their own.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=20 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["npm", "start"]
