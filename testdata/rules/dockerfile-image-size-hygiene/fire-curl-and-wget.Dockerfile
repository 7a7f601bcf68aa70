FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 wget=1.21.3-1+b2 \
 && rm -rf /var/lib/apt/lists/*

FROM alpine:3.20
RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
WORKDIR /tmp
RUN wget -q https://example.com/b.tgz
