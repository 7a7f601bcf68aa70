FROM alpine:3.20
COPY vendor.apk /tmp/
RUN apk add --no-cache --allow-untrusted /tmp/vendor.apk
