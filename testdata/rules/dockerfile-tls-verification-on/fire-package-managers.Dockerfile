FROM rockylinux:9
RUN dnf install -y --setopt=sslverify=0 httpd-2.4.57 \
 && yum-config-manager --setopt=internal.sslverify=false --save
RUN <<EOF
set -e
apt-get -o Acquire::https::Verify-Peer=false update
conda config --set ssl_verify false
EOF
RUN sh -c 'curl -k https://example.com/x -o /x'
