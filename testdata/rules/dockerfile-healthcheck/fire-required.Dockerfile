# params: {"required": true}
FROM golang:1.22 AS build
HEALTHCHECK CMD ["/bin/true"]
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12 AS runtime
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
