FROM nginx:1.27 AS web
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s --timeout=3s \
    CMD curl -f http://localhost/healthz || exit 1

FROM web AS quiet
HEALTHCHECK CMD true
HEALTHCHECK NONE
