FROM debian:12-slim
ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
ENV JAVA_HOME=/opt/java \
    PATH="${JAVA_HOME}/bin:$PATH"
