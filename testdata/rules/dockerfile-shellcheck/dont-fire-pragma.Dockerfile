FROM debian:12-slim
# hadolint ignore=SC2164
RUN cd /src; make
