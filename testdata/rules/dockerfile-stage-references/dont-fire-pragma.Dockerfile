FROM alpine:3.20
# hadolint ignore=DL3022
COPY --from=vendor-tools /usr/bin/tool /usr/bin/tool
