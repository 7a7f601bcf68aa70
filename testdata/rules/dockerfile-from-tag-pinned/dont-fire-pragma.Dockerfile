# hadolint ignore=DL3007
FROM alpine:latest
# hadolint ignore=DL3006
FROM debian
