# harden:ignore dockerfile-from-digest-pinned -- the tag is rebuilt daily on purpose
FROM cgr.dev/chainguard/static:latest
