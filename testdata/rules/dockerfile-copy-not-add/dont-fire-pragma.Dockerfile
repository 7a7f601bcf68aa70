FROM alpine:3.20
# hadolint ignore=DL3020
ADD config/ /etc/app/
# hadolint ignore=DL3010
COPY data.tar.gz /tmp/
RUN tar -xzf /tmp/data.tar.gz -C /srv
