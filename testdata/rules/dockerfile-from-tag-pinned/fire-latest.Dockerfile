FROM --platform=$BUILDPLATFORM node:latest AS assets
RUN npm ci

FROM nginx:1.27
COPY --from=assets /dist /usr/share/nginx/html
