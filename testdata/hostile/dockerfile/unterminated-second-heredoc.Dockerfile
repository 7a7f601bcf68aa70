FROM alpine:3.19
COPY <<one <<two /etc/
first
one
second
