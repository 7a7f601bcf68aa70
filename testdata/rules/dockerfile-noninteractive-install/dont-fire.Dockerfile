FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
 && apt-get -qq install --no-install-recommends jq=1.6-2.1 \
 && apt-get install --yes --no-install-recommends git=1:2.39.5-0+deb12u1 \
 && apt-get install --assume-yes --no-install-recommends make=4.3-4.1 \
 && apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends tar=1.34+dfsg-1.2 \
 && yes | apt-get install --no-install-recommends xz-utils=5.4.1-0.2 \
 && apt-get -q=2 install --no-install-recommends gzip=1.12-1 \
 && apt-cache policy curl \
 && echo "apt-get install curl" \
 && rm -rf /var/lib/apt/lists/*

FROM rockylinux:9
RUN yum -y install httpd-2.4.57 && dnf install --assumeyes git-2.43.5 \
 && dnf --setopt=assumeyes=True module install nodejs:18 \
 && dnf makecache && microdnf install jq-1.6 && dnf clean all

FROM opensuse/leap:15.6
RUN zypper -n install curl=8.6.0 && zypper --non-interactive in vim=9.1.0330 \
 && zypper install -y tar=1.34 && zypper refresh && zypper clean --all
