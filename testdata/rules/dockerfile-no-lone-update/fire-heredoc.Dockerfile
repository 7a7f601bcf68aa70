FROM debian:12-slim AS build
RUN <<EOF
set -e
apt-get update
EOF

FROM ubuntu:24.04
RUN sh -c "apt-get -q update"
ONBUILD RUN sudo apt-get update
