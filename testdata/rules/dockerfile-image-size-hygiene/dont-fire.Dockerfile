ARG APP_UID=1000
FROM debian:12-slim AS fetch
ARG APP_UID
RUN useradd -l -u 1000000 app && useradd --no-log-init --uid 2000000 svc && useradd -u ${APP_UID} web
ENV PATH=/opt/bin:$PATH
RUN wget -q https://example.com/a && wget -nv https://example.com/b && wget --progress=dot:giga https://example.com/c
WORKDIR /tmp
RUN wget -qO- https://example.com/d | tar -xz && wget -o /tmp/log https://example.com/e && echo "curl is better"

# curl in another stage is fine; RUNs with different mounts stay apart.
FROM alpine:3.20
RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.9.0-r0
RUN mkdir -p /app
RUN --mount=type=secret,id=token curl -fsS -H @/run/secrets/token https://example.com
WORKDIR /app
RUN set -e; mkdir -p a b c; touch a/x
RUN set -e; mkdir -p d e f; touch d/y
COPY --from=fetch /tmp /tmp
# A RUN that chains commands is kept apart from its neighbour on purpose.
RUN chmod -R a+r /tmp
RUN addgroup -S app && adduser -S -G app app
