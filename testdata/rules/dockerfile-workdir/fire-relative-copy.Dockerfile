FROM node:22-slim AS build
COPY package.json package-lock.json ./
ADD vendor.tar.gz vendor/
COPY <<EOF config.ini
[app]
port = 8080
EOF
WORKDIR /app
COPY . .

FROM node:22-slim
COPY --from=build /app/dist dist
