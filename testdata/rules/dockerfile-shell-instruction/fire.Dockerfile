FROM debian:12-slim
RUN ln -sf /bin/bash /bin/sh
RUN rm /bin/sh && \
    ln -s bash /usr/bin/sh
