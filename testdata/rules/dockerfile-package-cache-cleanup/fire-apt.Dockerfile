FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
# Removing the lists in a later RUN does not shrink the earlier layer.
RUN rm -rf /var/lib/apt/lists/*
# A relative path counts from the directory cd moved to: this removes /tmp/lists.
RUN apt-get update && apt-get install -y --no-install-recommends jq=1.6-2.1 \
 && cd /tmp && rm -rf lists
