# A variable whose value is known is judged on that value.
ARG TOOLS="curl=7.88.1-10+deb12u5 jq"
FROM debian:12-slim
ARG TOOLS
RUN apt-get update && apt-get install -y --no-install-recommends $TOOLS \
 && rm -rf /var/lib/apt/lists/*
