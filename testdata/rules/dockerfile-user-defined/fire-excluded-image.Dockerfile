# wolfi-base runs as root, unlike most Chainguard images.
FROM cgr.dev/chainguard/wolfi-base:latest
RUN apk add --no-cache curl
