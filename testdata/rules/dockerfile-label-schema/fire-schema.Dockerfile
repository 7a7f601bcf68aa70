# params: {"schema": {"org.opencontainers.image.source": "url", "org.opencontainers.image.created": "rfc3339", "org.opencontainers.image.licenses": "spdx", "org.opencontainers.image.revision": "hash", "org.opencontainers.image.version": "semver", "org.opencontainers.image.authors": "email", "org.opencontainers.image.title": "text"}}
FROM alpine:3.20
ARG VERSION=v1.2
LABEL org.opencontainers.image.source="github.com/example/app" \
      org.opencontainers.image.created="2024-05-01 noon" \
      org.opencontainers.image.licenses="Apache 2.0" \
      org.opencontainers.image.revision=HEAD \
      org.opencontainers.image.version=$VERSION \
      org.opencontainers.image.authors="the team" \
      org.opencontainers.image.title=""
