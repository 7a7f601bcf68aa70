# Without a schema only key format is checked.
FROM alpine:3.20
ARG KEY_SUFFIX=x
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.title="App with spaces" \
      com.example.release-date="2024-05-01" \
      version=1.0 \
      org.example.$KEY_SUFFIX=ok
LABEL description "legacy form with a valid key"
RUN echo 'LABEL Bad_Key=1'
