ARG BUILD_STAGE=biulder
FROM golang:1.22 AS builder
FROM alpine:3.20
ARG BUILD_STAGE
COPY --from=${BUILD_STAGE} /out/app /app
