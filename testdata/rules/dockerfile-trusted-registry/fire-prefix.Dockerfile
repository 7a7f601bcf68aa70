# params: {"allowed-registries": ["ghcr.io/acme", "*.example.com"]}
FROM ghcr.io/acme/base:1.0 AS ok
FROM mirror.example.com/library/alpine:3.20 AS mirrored
FROM ghcr.io/acmecorp/base:1.0
