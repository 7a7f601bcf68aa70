FROM ubuntu:24.04
RUN useradd -m app && echo 'app:changeme' | chpasswd
