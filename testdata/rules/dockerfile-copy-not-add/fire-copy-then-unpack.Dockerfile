FROM debian:12-slim
COPY dist/app-1.4.tar.gz /tmp/
RUN tar -xzf /tmp/app-1.4.tar.gz -C /opt \
    && rm /tmp/app-1.4.tar.gz
