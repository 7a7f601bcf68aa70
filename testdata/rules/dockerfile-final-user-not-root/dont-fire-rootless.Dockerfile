FROM alpine:3.20
RUN adduser -D rootless
USER rootless
