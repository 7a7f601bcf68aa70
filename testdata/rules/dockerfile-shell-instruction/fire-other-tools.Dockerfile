FROM debian:12-slim
RUN echo "dash dash/sh boolean false" | debconf-set-selections \
 && DEBIAN_FRONTEND=noninteractive dpkg-reconfigure dash
RUN ["update-alternatives", "--install", "/bin/sh", "sh", "/bin/bash", "100"]
RUN <<EOF
cp /bin/bash /bin/sh
EOF
