FROM debian:12-slim AS build
RUN <<EOF
apt-get update
apt-get install --no-install-recommends make=4.3-4.1
EOF

FROM rockylinux:9
RUN sh -c "dnf install git-2.43.5 && dnf clean all"
ONBUILD RUN sudo yum remove git
