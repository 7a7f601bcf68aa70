FROM alpine:3.20
# hadolint ignore=DL3021
COPY a.sh b.sh /usr/local/bin
