# The user set in "runtime" carries over to the stage built FROM it.
FROM node:20-slim AS runtime
USER node

FROM runtime
COPY --chown=node:node . /app
CMD ["node", "/app/server.js"]
