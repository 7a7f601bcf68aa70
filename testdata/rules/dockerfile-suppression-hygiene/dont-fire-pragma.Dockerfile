# hadolint global ignore=DL1001
FROM debian:12-slim
# hadolint ignore=DL3008
RUN apt-get install -y curl
