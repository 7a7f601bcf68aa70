FROM debian:12-slim
RUN ["apt-get", "install", "-y", "--no-install-recommends", "curl"]
