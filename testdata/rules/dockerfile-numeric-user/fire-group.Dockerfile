FROM node:20-slim
USER node:1000
