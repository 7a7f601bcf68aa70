FROM alpine:3.20
# harden:ignore dockerfile-no-ssh-port -- a git-over-ssh server
EXPOSE 22
