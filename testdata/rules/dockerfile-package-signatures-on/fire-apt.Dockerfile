FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --allow-unauthenticated vendor-tool=1.4.2 \
 && apt-get install -y --force-yes other=2.0
RUN apt-get -o APT::Get::AllowUnauthenticated=true install -y pkg=1.0
RUN ["apt-get", "--allow-insecure-repositories", "update"]
