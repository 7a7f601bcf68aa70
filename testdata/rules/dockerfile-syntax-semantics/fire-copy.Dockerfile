FROM alpine:3.20
COPY entrypoint.sh healthcheck.sh /usr/local/bin
COPY ["a.conf", "b.conf", "/etc/app"]
ADD --chown=app:app one.tar two.tar /opt
COPY <<A <<B /etc/motd
hello
A
world
B
