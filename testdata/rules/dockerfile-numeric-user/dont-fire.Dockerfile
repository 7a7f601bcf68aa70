# A build stage may use names; only the final user counts.
FROM golang:1.22 AS build
USER nobody
RUN go build -o /tmp/app ./cmd/app

FROM debian:12-slim
USER app
RUN echo "configured as app"
USER 10001:app
