FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM --platform=${TARGETPLATFORM} alpine:3.20
COPY --from=build /out/app /app
