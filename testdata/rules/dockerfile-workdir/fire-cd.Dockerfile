FROM golang:1.22 AS build
WORKDIR /go/src
RUN git clone https://example.com/app.git && \
    cd app && \
    go build ./...
RUN ["sh", "-c", "cd /go/src/app && go test ./..."]
RUN <<EOF
set -e
cd /tmp
make
EOF
ONBUILD RUN cd /src && make
