ARG BUILD_STAGE=build
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM build AS test
RUN --mount=type=bind,from=build,source=/out,target=/mnt go test ./...

FROM alpine:3.20
# Images are written with a tag, a digest or a registry path.
COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/mime.types
COPY --from=gcr.io/distroless/static-debian12 /etc/passwd /etc/passwd
COPY --from=busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000 /bin/busybox /bin/
# Stages by index, by name in any case, and through a variable.
COPY --from=0 /out/app /usr/local/bin/app
COPY --from=BUILD /out/ /
COPY --from=$BUILD_STAGE /out/app /app
COPY --from=$UNKNOWN /x /x
# Triggers resolve in the downstream build.
ONBUILD COPY --from=downstream /x /x
