FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN ln -s /bin/sh /usr/local/bin/posix-sh && echo "ln -sf /bin/bash /bin/sh"
RUN ls -l /bin/sh
