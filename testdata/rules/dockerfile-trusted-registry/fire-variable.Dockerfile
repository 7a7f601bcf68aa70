# params: {"allowed-registries": ["registry.example.com"]}
ARG REGISTRY=gcr.io
FROM ${REGISTRY}/distroless/static-debian12:nonroot
