# params: {"allow": ["SESSION_SECRET"]}
FROM node:22-slim
ENV SESSION_SECRET=dev-only
