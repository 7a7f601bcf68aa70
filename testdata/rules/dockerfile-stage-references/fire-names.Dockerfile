FROM golang:1.22 AS build
FROM node:22-slim AS Build
FROM alpine:3.20 AS scratch
FROM alpine:3.20 AS context
