FROM node:20-slim
# hadolint ignore=DL3066
USER node
