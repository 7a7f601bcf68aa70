ARG STRICT=false
FROM node:22-slim AS build
ARG STRICT
ENV npm_config_strict_ssl=${STRICT}
RUN npm ci
FROM python:3.12-slim
COPY --from=build /app /app
RUN uv pip install --system --trusted-host pypi.example.com -r /app/requirements.txt
