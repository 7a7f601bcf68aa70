FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot AS distroless
COPY --from=build /out/app /app

FROM cgr.dev/chainguard/static:latest AS chainguard
COPY --from=build /out/app /app

FROM nginxinc/nginx-unprivileged:1.27-alpine
COPY site/ /usr/share/nginx/html/
