# Downloads saved to files, data piped into interpreters that run other code.
FROM debian:12-slim
RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
 && echo "0123abcd  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
RUN curl -fsSL https://api.example.com/release | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"])'
RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
RUN wget https://example.com/x.sh | sh
RUN curl -fsSLO https://example.com/y.sh | sh
RUN echo "curl https://example.com | sh" > /README
RUN VERSION="$(curl -fsSL https://example.com/version)" && echo "$VERSION"
