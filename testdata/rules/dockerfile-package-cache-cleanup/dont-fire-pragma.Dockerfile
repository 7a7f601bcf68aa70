FROM alpine:3.20
# hadolint ignore=DL3019
RUN apk add curl=8.9.0-r0
