FROM ubuntu:24.04
RUN ["/usr/sbin/chpasswd", "-e"]
RUN <<EOF
echo "root:" | chpasswd -e
EOF
ONBUILD RUN sh -c "echo 'ops:ops' | chgpasswd"
