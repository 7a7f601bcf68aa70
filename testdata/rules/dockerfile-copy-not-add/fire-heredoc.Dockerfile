# syntax=docker/dockerfile:1
FROM alpine:3.20
ADD <<EOF /etc/motd
Welcome
EOF
