FROM alpine:3.20
EXPOSE 8080/tcp \
       22/TCP
