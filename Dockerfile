# syntax=docker/dockerfile:1
# Production image of NADOO-IT: one image for the web app (`npm start`), the worker (`npm run worker`) and
# one-shot commands (`npm run manage -- migrate`). Migrations never run at build time; the web process and
# the worker run the compiled JavaScript in dist/.
ARG NODE_VERSION=24

# --- dependencies: production packages only; better-sqlite3 compiles here when no prebuilt binary fits.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# node-gyp finds the headers that ship with the image instead of downloading them.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && node -e "require('better-sqlite3')" \
 && npm cache clean --force

# --- build: app/ compiled to dist/ (tsc is a dev package; the runtime below keeps production packages only).
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY app ./app
RUN npm run build

# --- runtime: no compilers; ffmpeg for the video jobs of the worker, pg_dump for `manage backup`.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg postgresql-client tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /vol/data /vol/web/static /vol/web/media /app/backups \
 && chown -R node:node /vol /app/backups
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/vol/data \
    STATIC_ROOT=/vol/web/static \
    MEDIA_ROOT=/vol/web/media
# Code and packages stay owned by root: the app user can read but not change them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
# dist/: what the processes run (compiled JavaScript, no transpiler at run time); app/ for `npm run manage`.
COPY --from=build /app/dist ./dist
COPY scripts/build.mjs ./scripts/build.mjs
COPY app ./app
COPY docker/app/healthcheck.mjs ./docker/app/healthcheck.mjs
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "docker/app/healthcheck.mjs"]
ENTRYPOINT ["tini", "--"]
CMD ["node", "dist/app/nadooit/main.js", "start"]
