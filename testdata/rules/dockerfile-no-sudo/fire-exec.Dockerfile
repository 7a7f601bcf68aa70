FROM alpine:3.20
RUN ["/usr/bin/sudo", "apk", "add", "curl"]
