FROM alpine:3.20
COPY --from=builder /out/app.apk /tmp/
# harden:ignore dockerfile-package-signatures-on -- built and verified in the builder stage
RUN apk add --allow-untrusted /tmp/app.apk
