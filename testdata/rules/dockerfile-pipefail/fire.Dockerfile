FROM debian:12-slim
RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
RUN apt-get update \
 && dpkg -l | grep -q libssl \
 && echo ok
