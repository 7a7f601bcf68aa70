# No allowed registries are configured: the rule is inert.
FROM quay.io/acme/tools:1.4
FROM python:3.12-slim
