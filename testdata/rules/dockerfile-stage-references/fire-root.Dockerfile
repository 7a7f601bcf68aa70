FROM debian:12-slim AS rootfs
RUN apt-get update

FROM scratch
COPY --from=rootfs / /
COPY --from=rootfs --chown=0:0 /. /sysroot/
