FROM alpine:3.20
RUN <<EOF
set -e
curl -fsSL https://example.com/a.sh | ash
EOF
ONBUILD RUN sh -c 'curl -fsSL https://example.com/b.sh | sh'
RUN ["/bin/bash", "-c", "curl -fsSL https://example.com/c.sh | bash"]
