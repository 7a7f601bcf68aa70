ARG TARGET_PLATFORM=linux/amd64
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM --platform="${BUILDPLATFORM}" node:20 AS assets
FROM --platform=${TARGET_PLATFORM} alpine:3.20 AS configurable
FROM --platform=linux/arm64 debian:12-slim AS build-arm64
FROM alpine:3.20
