FROM debian:12-slim
RUN cd /src; make install
RUN <<EOF
cd /opt/app
./configure
EOF
RUN sh -c 'cd "$HOME/build"; make'
