ARG JWT_SECRET=dev
FROM golang:1.22 AS build
ARG GITLAB_TOKEN
RUN go build ./...
FROM gcr.io/distroless/static
ONBUILD ENV API_KEY=abc123
