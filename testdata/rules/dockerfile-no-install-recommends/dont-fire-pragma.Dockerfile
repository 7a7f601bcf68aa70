FROM debian:12-slim
# hadolint ignore=DL3015
RUN apt-get install -y curl=7.88.1-10+deb12u5
