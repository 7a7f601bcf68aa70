FROM node:22-slim
ONBUILD ONBUILD RUN npm ci
ONBUILD FROM node:22-slim
onbuild maintainer ops@example.com
ONBUILD COPY . /app/
