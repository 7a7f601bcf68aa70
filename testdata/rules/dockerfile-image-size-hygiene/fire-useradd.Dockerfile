ARG APP_UID=2000000
FROM debian:12-slim
ARG APP_UID
RUN useradd -m -u 1000000 app
WORKDIR /srv
RUN groupadd -g 2000000 svc && useradd --uid=${APP_UID} -g svc svc
