FROM node:20-alpine
RUN npm install -g typescript @angular/cli@17.3.0 \
 && npm i --location=global express@latest @nestjs/cli
