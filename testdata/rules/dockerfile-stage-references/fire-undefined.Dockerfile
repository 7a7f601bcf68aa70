FROM golang:1.22 AS builder
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=buidler /out/app /app
COPY --from=nginx /etc/nginx/mime.types /etc/mime.types
RUN --mount=type=bind,from=assets,source=/dist,target=/mnt/dist cp -r /mnt/dist /srv
