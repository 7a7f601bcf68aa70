FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM debian:12-slim
COPY --from=build /out/app /usr/bin/app
RUN useradd --uid 10001 app
USER 10001
CMD ["/usr/bin/app"]
