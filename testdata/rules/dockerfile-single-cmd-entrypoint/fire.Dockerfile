FROM alpine:3.20
CMD ["/bin/sh"]
COPY server /usr/local/bin/server
CMD ["server", "--port", "8080"]
