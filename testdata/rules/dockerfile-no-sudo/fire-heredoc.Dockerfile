FROM alpine:3.20
RUN <<EOF
set -e
sudo apk add curl
EOF
ONBUILD RUN sh -c "sudo make install"
