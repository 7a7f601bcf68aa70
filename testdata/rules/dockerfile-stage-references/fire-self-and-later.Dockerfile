FROM alpine:3.20 AS base
COPY --from=base /etc/os-release /tmp/
COPY --from=0 /etc/hostname /tmp/
COPY --from=tools /usr/bin/jq /usr/bin/jq

FROM alpine:3.20 AS tools
RUN apk add --no-cache jq
COPY --from=5 /x /x
