ARG GO_VERSION=1.22
FROM golang:${GO_VERSION} AS build
FROM scratch
COPY --from=build /go/bin/app /app
