FROM ubuntu:24.04
RUN ["/usr/bin/apt", "list", "--installed"]
