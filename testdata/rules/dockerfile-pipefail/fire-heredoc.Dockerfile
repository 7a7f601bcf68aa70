FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN <<EOF
#!/bin/bash
set -e
curl -fsSL https://example.com/a | tar -xz
EOF
RUN ["/bin/sh", "-c", "curl -fsSL https://example.com/b | tar -xz"]
RUN bash -c 'curl -fsSL https://example.com/c | tar -xz'
