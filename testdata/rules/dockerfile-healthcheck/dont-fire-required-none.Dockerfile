# params: {"required": true}
FROM alpine:3.20
# Kubernetes probes check this one.
HEALTHCHECK NONE
CMD ["/usr/bin/app"]
