# syntax=docker/dockerfile:1
ARG DEBIAN_VERSION=12
ENV LANG=C.UTF-8
LABEL org.opencontainers.image.title="app"
FROM debian:${DEBIAN_VERSION}-slim
