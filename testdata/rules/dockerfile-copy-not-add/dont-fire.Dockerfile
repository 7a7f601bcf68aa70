FROM debian:12-slim
ADD rootfs.tar.xz /
ADD vendor.tgz dist/*.tar.gz /opt/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://example.com/releases/tool-1.4.tar.gz /tmp/
ADD https://github.com/acme/tools.git#0123456789abcdef0123456789abcdef01234567 /src/tools
COPY requirements.txt /app/
