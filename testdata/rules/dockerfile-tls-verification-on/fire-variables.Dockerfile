FROM node:22-slim
ARG VERIFY=0
ENV NODE_TLS_REJECT_UNAUTHORIZED=$VERIFY
ENV PYTHONHTTPSVERIFY 0
ARG NPM_CONFIG_STRICT_SSL=false
RUN GIT_SSL_NO_VERIFY=true git clone https://git.example.com/app.git
RUN export GOINSECURE=git.example.com && go mod download
RUN env NODE_TLS_REJECT_UNAUTHORIZED=0 node fetch.js
