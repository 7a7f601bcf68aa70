# params: {"schema": {"org.opencontainers.image.source": "url", "org.opencontainers.image.licenses": "spdx"}}
FROM golang:1.22 AS build
LABEL org.opencontainers.image.source=https://github.com/example/app \
      org.opencontainers.image.licenses=MIT
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
LABEL org.opencontainers.image.source=https://github.com/example/app
COPY --from=build /out/app /app
