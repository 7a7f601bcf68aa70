# params: {"allowed-registries": ["registry.example.com"]}
# hadolint ignore=DL3026
FROM quay.io/acme/tools:1.4
