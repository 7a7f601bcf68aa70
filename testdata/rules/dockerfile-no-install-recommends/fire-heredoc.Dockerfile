FROM debian:12-slim AS build
RUN <<EOF
apt-get update
apt-get -y install make=4.3-4.1
EOF

FROM debian:12-slim
RUN sh -c "apt-get install -y tar=1.34+dfsg-1.2"
ONBUILD RUN sudo apt-get install -y git=1:2.39.5-0+deb12u1
