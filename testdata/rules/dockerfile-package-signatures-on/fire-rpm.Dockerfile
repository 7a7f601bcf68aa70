FROM rockylinux:9
RUN dnf install -y --nogpgcheck vendor-1.2 && \
    rpm -i --nosignature --nodigest /tmp/vendor.rpm
RUN <<EOF
tdnf install -y --setopt=gpgcheck=0 tool-3.1
sudo zypper --no-gpg-checks install -y other
EOF
RUN sh -c "yum --nogpgcheck install -y thing-1.0"
