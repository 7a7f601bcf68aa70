FROM debian:12-slim
# hadolint ignore=DL4006
RUN curl -fsSL https://example.com/a | tar -xz
