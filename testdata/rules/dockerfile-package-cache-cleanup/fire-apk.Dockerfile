FROM alpine:3.20
RUN apk add curl=8.9.0-r0
# --no-network only on a later command does not cover this one.
RUN apk add jq=1.7.1-r0 && apk del --no-network .build-deps
