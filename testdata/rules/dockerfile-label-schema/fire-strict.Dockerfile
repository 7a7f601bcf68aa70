# params: {"schema": {"org.opencontainers.image.source": "url"}, "strict": true}
FROM alpine:3.20
LABEL org.opencontainers.image.source=https://github.com/example/app \
      org.example.team=payments
