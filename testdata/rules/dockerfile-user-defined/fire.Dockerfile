FROM golang:1.22 AS build
USER 10001
RUN go build -o /out/app ./cmd/app

FROM debian:12-slim
COPY --from=build /out/app /usr/bin/app
CMD ["/usr/bin/app"]
