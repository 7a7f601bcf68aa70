FROM debian:12-slim
SHELL ["/bin/bash", "-e", "-c"]
RUN cd /src; make
