FROM alpine:3.20
RUN VERSION="$(curl -fsSL https://example.com/releases | jq -r .tag)" && echo "$VERSION"
ONBUILD RUN cat /etc/os-release | grep -q alpine
