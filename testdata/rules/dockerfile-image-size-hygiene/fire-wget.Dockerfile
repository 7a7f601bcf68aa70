FROM debian:12-slim
RUN wget -O /tmp/tool.tar.gz https://example.com/tool.tar.gz
