# params: {"schema": {"org.opencontainers.image.source": "url", "org.opencontainers.image.created": "rfc3339", "org.opencontainers.image.licenses": "spdx", "org.opencontainers.image.revision": "hash", "org.opencontainers.image.version": "semver", "org.opencontainers.image.authors": "email", "org.opencontainers.image.title": "text"}}
FROM alpine:3.20 AS base
LABEL org.opencontainers.image.source=https://github.com/example/app \
      org.opencontainers.image.licenses="(MIT OR Apache-2.0) AND BSD-3-Clause" \
      org.opencontainers.image.authors=team@example.com \
      org.opencontainers.image.title="App"

# Built on and copied from: an intermediate stage need not carry the labels.
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM base
ARG VERSION=1.2.3
ARG GIT_SHA
LABEL org.opencontainers.image.version=$VERSION \
      org.opencontainers.image.revision=$GIT_SHA \
      org.opencontainers.image.created=2024-05-01T12:00:00Z
COPY --from=build /out/app /app
