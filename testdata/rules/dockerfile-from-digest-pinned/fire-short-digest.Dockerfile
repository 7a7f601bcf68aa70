FROM alpine:3.20@sha256:0a4eaa0e AS base
FROM base
