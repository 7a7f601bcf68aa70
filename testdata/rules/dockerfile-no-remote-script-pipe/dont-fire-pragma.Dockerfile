FROM debian:12-slim
# harden:ignore dockerfile-no-remote-script-pipe -- vendor installer, pinned by the proxy
RUN curl -fsSL https://example.com/install.sh | sh
