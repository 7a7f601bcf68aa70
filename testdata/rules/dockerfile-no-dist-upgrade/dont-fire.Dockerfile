FROM opensuse/leap:15.6
RUN zypper --non-interactive update && zypper --non-interactive patch \
 && echo "zypper dup" && zypper clean --all

FROM debian:12-slim
RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*
