# Variables whose values are unknown or pinned, local packages, URLs,
# releases, and text that only mentions a package manager.
ARG BUILD_PACKAGES="bash=5.2.26-r0"
ARG GIT_VER=2.51.0-2.fc42
ARG CURL_VERSION

FROM debian:12-slim
ARG CURL_VERSION
RUN apt-get update \
 && buildDeps="python3=3.11.2-1+b1" \
 && apt-get install -y --no-install-recommends $buildDeps "curl=${CURL_VERSION}" \
 && apt-get install -y --no-install-recommends "${extraDeps[@]}" \
 && apt-get install -y --no-install-recommends ./vendor/tool_1.2.3_amd64.deb /tmp/agent.deb \
 && apt-get install -y -t bookworm-backports --no-install-recommends golang-go=2:1.21~2~bpo12+1 \
 && apt-get install -y --target-release=bookworm-backports --no-install-recommends git=1:2.43.0-1~bpo12+1 \
 && apt-get install -y --no-install-recommends cmake/bookworm-backports \
 && apt-get install -y --no-install-recommends $(cat /tmp/packages.txt) \
 && echo "apt-get install curl" \
 && rm -rf /var/lib/apt/lists/*

FROM alpine:3.20
ARG BUILD_PACKAGES
RUN apk add --no-cache $BUILD_PACKAGES curl=8.9.0-r0 jq~1.7 \
      https://example.com/packages/tool-1.0.apk ./local.apk

FROM fedora:40
ARG GIT_VER
RUN dnf install -y "git-core-${GIT_VER}" httpd-2.4.57-1.fc40 @development-tools \
      https://example.com/tool-1.0-1.x86_64.rpm /tmp/local.rpm \
 && yum install -y name-1.2.3 \
 && dnf module install -y nodejs:18/common \
 && dnf groupinstall -y "Development Tools" \
 && dnf clean all

FROM opensuse/leap:15.6
RUN zypper --non-interactive install -t pattern devel_basis \
 && zypper --non-interactive install 'curl>=8' vim=9.1.0330 ./local.rpm \
 && zypper clean --all

FROM python:3.12-slim
# The heredoc is input for python3, not a shell script.
RUN python3 <<EOF
import subprocess
subprocess.run(["apt-get", "install", "curl"])
EOF
