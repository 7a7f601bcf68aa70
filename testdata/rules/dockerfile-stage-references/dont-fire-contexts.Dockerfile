# params: {"contexts": ["src", "alpine"]}
FROM alpine:3.20
COPY --from=src . /app/
COPY --from=alpine /etc/apk/repositories /etc/apk/repositories
