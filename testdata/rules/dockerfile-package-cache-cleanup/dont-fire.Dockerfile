# A build stage whose files are copied out does not ship its cache.
FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends make=4.3-4.1

FROM debian:12-slim AS apt
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends jq=1.6-2.1
RUN echo "apt-get update" && echo "pip install flask"
# rm of a path relative to the directory cd moved to.
RUN apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u2 \
 && cd /var/lib && rm -rf apt

FROM apt AS apk
RUN apk add --no-cache curl=8.9.0-r0 && apk add git=2.45.2-r0 && rm -rf /var/cache/apk/*
RUN --mount=type=cache,target=/var/cache/apk apk add jq=1.7.1-r0
# --no-network fetches no index: only what is installed or cached is used.
RUN apk add --no-network --virtual .rundeps so:libc.musl-x86_64.so.1

FROM apk AS rpm
RUN dnf install -y httpd-2.4.57 && dnf clean all
RUN yum install -y tar-1.34 && rm -rf /var/cache/yum
RUN microdnf install -y jq-1.6 && microdnf clean all
RUN zypper --non-interactive install curl=8.6.0 && zypper clean --all

FROM rpm AS python
ENV PIP_NO_CACHE_DIR=1
RUN pip install flask==3.0.3

FROM python AS node
RUN pip install --no-cache-dir gunicorn==22.0.0
RUN --mount=type=cache,target=/root/.cache/pip pip install uvicorn==0.30.1
RUN yarn install --frozen-lockfile && yarn cache clean
COPY --from=build /usr/bin/make /usr/bin/make
