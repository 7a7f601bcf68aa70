FROM alpine:3.20
# hadolint ignore=DL3025
CMD /usr/bin/app --serve
