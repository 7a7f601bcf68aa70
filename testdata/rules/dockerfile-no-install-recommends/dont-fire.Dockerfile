FROM debian:12-slim AS flags
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
 && apt-get install -y -o APT::Install-Recommends=false jq=1.6-2.1 \
 && apt install -y tar=1.34+dfsg-1.2 \
 && echo "apt-get install curl" \
 && rm -rf /var/lib/apt/lists/*

# An apt configuration written earlier turns recommends off for later installs.
FROM debian:12-slim
RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/99no-recommends
RUN apt-get update && apt-get install -y make=4.3-4.1 && rm -rf /var/lib/apt/lists/*
