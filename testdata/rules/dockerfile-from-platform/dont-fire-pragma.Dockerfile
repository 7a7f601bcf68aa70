# hadolint ignore=DL3029
FROM --platform=linux/amd64 oracle/instantclient:21
# hadolint ignore=DL3065
FROM --platform=$TARGETPLATFORM alpine:3.20
