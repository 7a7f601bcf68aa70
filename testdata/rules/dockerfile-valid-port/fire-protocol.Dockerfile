FROM nginx:1.27
EXPOSE 80/http 443/tcp
