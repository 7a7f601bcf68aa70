# Text that mentions the flags is not a command, and safe values pass.
FROM node:22-slim
RUN echo "never use curl -k or wget --no-check-certificate" \
 && curl -fsSL --cacert /etc/ssl/corp.pem https://example.com/x -o /tmp/x
RUN curl -fsSL -H "X-Key: k" https://example.com/y -o /tmp/y
ENV NODE_TLS_REJECT_UNAUTHORIZED=1 PYTHONHTTPSVERIFY=1 NPM_CONFIG_STRICT_SSL=true
ARG PIP_TRUSTED_HOST
RUN npm config set strict-ssl true && git config --global http.sslVerify true
RUN git config --global --unset http.sslVerify && git log --grep sslVerify
RUN dnf install -y --setopt=install_weak_deps=False httpd-2.4.57
# The heredoc is input for python3, not a shell script.
RUN python3 <<EOF
print("curl -k")
EOF
