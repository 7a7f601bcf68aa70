# Names that refer to secrets or only look like them, and empty values.
FROM python:3.12-slim
ARG TOKEN_URL=https://auth.example.com/token
ENV DATABASE_PASSWORD_FILE=/run/secrets/db \
    SECRET_NAME=app-credentials \
    TOKENIZERS_PARALLELISM=false \
    PASSWORD_MIN_LENGTH=12 \
    PASSWORDLESS_LOGIN=true \
    TOKEN_TTL=3600
ENV GITHUB_TOKEN=
ENV API_TOKEN=/run/secrets/api_token
ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
ENV PIP_INDEX_URL=https://${PIP_USER}:${PIP_PASSWORD_REF}@pypi.example.com/simple \
    HOME_URL=https://user@example.com/
ARG CLIENT_ID=web
RUN echo "ENV PASSWORD=secret is a bad idea"
