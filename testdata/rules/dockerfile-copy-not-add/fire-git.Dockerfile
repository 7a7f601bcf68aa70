# syntax=docker/dockerfile:1
FROM alpine:3.20
ADD https://github.com/acme/tools.git#main /src/tools
