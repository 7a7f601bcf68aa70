FROM debian:12-slim
RUN find /tmp -name '*.log' | rm
RUN ls /opt | xargs -n1 echo | mkdir -p
