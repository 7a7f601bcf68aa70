FROM alpine:3.19
CMD sleep 1
