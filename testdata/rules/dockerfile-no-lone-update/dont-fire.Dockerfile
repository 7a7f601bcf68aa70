FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
 && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends jq=1.6-2.1
EOF
RUN echo "apt-get update"

FROM alpine:3.20
RUN apk update && apk add curl=8.9.0-r0 && rm -rf /var/cache/apk/*
RUN apk add --update --no-cache git=2.45.2-r0

FROM rockylinux:9
RUN dnf makecache && dnf install -y git-2.43.5 && dnf clean all
