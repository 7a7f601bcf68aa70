FROM debian:12-slim AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/a | tar -xz
FROM debian:12-slim AS other
RUN curl -fsSL https://example.com/b | tar -xz
FROM base AS child
RUN curl -fsSL https://example.com/c | tar -xz
SHELL ["/bin/bash", "-c"]
RUN curl -fsSL https://example.com/d | tar -xz
