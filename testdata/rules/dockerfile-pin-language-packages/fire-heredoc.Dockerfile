ARG FORMATTER=black
FROM python:3.12-slim AS lint
ARG FORMATTER
RUN <<EOF
set -e
pip install --no-cache-dir "$FORMATTER"
EOF

FROM node:20-alpine
RUN ["npm", "install", "-g", "pnpm"]
ONBUILD RUN sh -c 'gem install rails'
