FROM debian:12-slim
RUN sh -c "$(curl -fsSL https://example.com/install.sh)"
RUN bash <(curl -s https://example.com/install.sh) --prefix /opt
RUN eval "$(wget -qO- https://example.com/env.sh)"
