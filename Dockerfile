# Multi-stage build: compile TypeScript, then run the built server as a non-root user.
FROM node:20-bookworm-slim AS build
# better-sqlite3 (GeoPackage downloads) compiles when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json vite.config.ts ./
COPY client ./client
COPY server ./server
COPY migrations ./migrations
COPY fixtures ./fixtures
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/var/lib/satupeta
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/client/dist ./client/dist
RUN mkdir -p /var/lib/satupeta && chown node:node /var/lib/satupeta
USER node
EXPOSE 3000
VOLUME ["/var/lib/satupeta"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/main.js"]
