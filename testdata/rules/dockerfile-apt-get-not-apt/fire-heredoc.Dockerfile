FROM ubuntu:24.04 AS build
RUN <<EOF
set -e
sudo apt full-upgrade -y
EOF

FROM ubuntu:24.04
RUN bash -c "apt autoremove -y"
ONBUILD RUN apt update
