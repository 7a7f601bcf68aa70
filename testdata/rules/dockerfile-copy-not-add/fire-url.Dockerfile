FROM debian:12-slim
ADD https://example.com/releases/tool-1.4.tar.gz /tmp/
ADD --chmod=755 \
    https://example.com/install.sh \
    /usr/local/bin/install.sh
