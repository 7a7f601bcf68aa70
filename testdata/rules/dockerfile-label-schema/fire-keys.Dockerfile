FROM alpine:3.20
LABEL Maintainer="team@example.com" \
      my_label=1 \
      "org..example"=x
LABEL com.docker.extension.title="App"
LABEL Description A small web app
LABEL trailing.-=1 9lives=yes
