FROM debian:12-slim AS base
USER root
RUN apt-get update

FROM base
COPY app /usr/bin/app
CMD ["/usr/bin/app"]
