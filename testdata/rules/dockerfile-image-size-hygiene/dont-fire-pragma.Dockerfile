FROM alpine:3.20
RUN mkdir -p /app
# hadolint ignore=DL3059
RUN adduser -D app
