FROM debian:12-slim
LABEL org.opencontainers.image.authors="jane@example.com"
# MAINTAINER Jane Doe, kept as a comment
RUN echo "MAINTAINER" > /etc/motd
ENV MAINTAINER=jane
