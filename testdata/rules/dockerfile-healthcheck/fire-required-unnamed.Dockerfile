# params: {"required": true}
FROM alpine:3.20
ONBUILD HEALTHCHECK CMD ["/bin/true"]
CMD ["/bin/sh"]
