FROM debian:12-slim AS build
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends build-essential
rm -rf /var/lib/apt/lists/*
EOF

FROM alpine:3.20
RUN sh -c "apk add --no-cache tini"
ONBUILD RUN sudo apk add --no-cache git
