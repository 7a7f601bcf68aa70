FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.4 \
 && apt-cache policy curl \
 && apt-mark hold curl \
 && echo "run apt update first" \
 && rm -rf /var/lib/apt/lists/*
