FROM golang:1.22 AS tools
RUN go install golang.org/x/tools/gopls@latest \
 && go install -ldflags "-s -w" honnef.co/go/tools/cmd/staticcheck
# go get resolves the newest version just the same.
RUN go get github.com/gorilla/mux golang.org/x/net@upgrade
