# params: {"codes": ["SC2115"]}
FROM debian:12-slim
RUN cd /src; make
RUN find /tmp | rm
