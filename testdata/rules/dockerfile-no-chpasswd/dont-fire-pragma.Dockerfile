FROM ubuntu:24.04
# harden:ignore dockerfile-no-chpasswd -- throwaway test image
RUN echo 'test:test' | chpasswd
