FROM debian:12-slim
RUN useradd app
USER app
RUN sudo apt-get update && \
    sudo apt-get install -y --no-install-recommends curl=7.88.1-10
