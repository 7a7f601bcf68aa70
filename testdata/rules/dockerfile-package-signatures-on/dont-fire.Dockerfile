FROM rockylinux:9
RUN echo "apk --allow-untrusted is dangerous" && rpm --import /tmp/KEY.asc
RUN dnf install -y --setopt=gpgcheck=1 vendor-1.2 && rpm -qa --qf '%{NAME}\n'
RUN rpm --checksig /tmp/vendor.rpm
