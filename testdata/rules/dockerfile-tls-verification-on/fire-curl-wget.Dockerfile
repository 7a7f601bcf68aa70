FROM debian:12-slim
RUN curl -fsSLk https://example.com/tool.tgz -o /tmp/tool.tgz \
 && wget --no-check-certificate -qO /tmp/b.tgz https://example.com/b.tgz
RUN ["curl", "--insecure", "-o", "/tmp/c", "https://example.com/c"]
ONBUILD RUN sudo -E curl --proxy-insecure -x http://proxy:3128 https://example.com
