# "tools" is defined after this FROM, so it is an image from Docker Hub.
FROM tools
FROM alpine:3.20 AS tools
