FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM debian:12-slim
COPY --from=build /out/app /usr/bin/app
USER 10001
RUN apt-get update
USER root
CMD ["/usr/bin/app"]
