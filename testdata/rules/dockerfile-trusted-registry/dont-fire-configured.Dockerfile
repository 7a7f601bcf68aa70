# params: {"allowed-registries": ["docker.io", "registry.example.com"]}
ARG UNKNOWN_REGISTRY
FROM python:3.12-slim AS build
FROM docker.io/library/alpine:3.20 AS alpine
FROM index.docker.io/library/debian:12 AS debian
FROM registry.example.com/base/runtime:2 AS runtime
FROM ${UNKNOWN_REGISTRY}/app:1 AS unknown
FROM build
FROM scratch
