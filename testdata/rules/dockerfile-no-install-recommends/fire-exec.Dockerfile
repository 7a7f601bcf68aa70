FROM debian:12-slim
RUN ["/usr/bin/apt-get", "install", "-y", "jq=1.6-2.1"]
