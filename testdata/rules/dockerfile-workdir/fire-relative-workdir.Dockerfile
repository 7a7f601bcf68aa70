FROM python:3.12-slim
WORKDIR app
WORKDIR "my app"
ARG SRC_DIR=src
WORKDIR ${SRC_DIR}
