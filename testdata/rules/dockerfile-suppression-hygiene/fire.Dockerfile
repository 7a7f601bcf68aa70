# hadolint global ignore=DL3008,DL3009
FROM debian:12-slim
# hadolint ignore=DL3015
RUN apt-get update && apt-get install -y curl
# harden:ignore dockerfile-no-sudo
RUN sudo ./install.sh
  # harden:ignore dockerfile-workdir -- the installer needs a relative path
WORKDIR build
