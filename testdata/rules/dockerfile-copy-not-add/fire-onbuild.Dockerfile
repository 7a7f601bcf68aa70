FROM node:20-slim
ONBUILD ADD . /app
