FROM debian:12-slim
RUN <<EOF
set -e
service nginx start
sudo vim -c ':wq' /etc/nginx/nginx.conf
ps aux
EOF
