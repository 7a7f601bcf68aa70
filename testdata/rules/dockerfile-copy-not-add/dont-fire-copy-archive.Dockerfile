# A copied archive that tar unpacks with options ADD lacks, or that is
# never unpacked, is fine; so is a tar run in another stage.
FROM debian:12-slim AS unpack
COPY app-1.4.tar.gz /tmp/
RUN tar -xzf /tmp/app-1.4.tar.gz --strip-components=1 -C /opt

FROM debian:12-slim
COPY release.tgz /srv/downloads/
RUN echo "tar -xzf release.tgz"
