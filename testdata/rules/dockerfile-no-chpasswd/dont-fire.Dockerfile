# chpasswd in text and comments is not a command.
FROM ubuntu:24.04
RUN echo "do not use chpasswd" && passwd -l root # chpasswd
RUN python3 <<EOF
import os  # chpasswd
EOF
