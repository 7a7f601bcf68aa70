FROM opensuse/tumbleweed AS build
RUN <<EOF
zypper -n dist-upgrade --allow-vendor-change
EOF

FROM opensuse/leap:15.6
RUN ["zypper", "--non-interactive", "dist-upgrade"]
ONBUILD RUN sh -c "sudo zypper -n dup"
