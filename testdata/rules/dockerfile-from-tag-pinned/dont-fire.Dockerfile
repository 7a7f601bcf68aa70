FROM golang:1.22-bookworm AS build
RUN go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM BUILD AS lint
RUN go vet ./...

FROM scratch
COPY --from=build /out/app /app
