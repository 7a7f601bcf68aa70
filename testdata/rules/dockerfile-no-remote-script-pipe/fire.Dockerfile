FROM debian:12-slim
RUN curl -fsSL https://example.com/install.sh | sh
RUN curl -s https://example.com/setup | sudo -E bash - \
 && wget -qO- https://example.com/get.py | python3
RUN wget -O - https://example.com/x.sh | tee /tmp/x.sh | bash -s -- --yes
