FROM rockylinux:9
RUN dnf makecache && echo done
