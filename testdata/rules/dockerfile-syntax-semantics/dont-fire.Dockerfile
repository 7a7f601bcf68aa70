# Only ARG may come before FROM.
ARG BASE=debian:12-slim
FROM ${BASE}
ARG PREFIX=/opt
ENV APP_HOME=/app
# Variables set before this ENV, or by the pair itself, are fine.
ENV APP_BIN=$APP_HOME/bin PATH=/opt/bin:$PATH TOOLS=$PREFIX/tools
ENV LITERAL='$NOT_A_REF' NOT_A_REF=1 ESCAPED=\$ALSO_NOT ALSO_NOT=2
ENV LEGACY value with $LEGACY_ONLY words
ARG DEST=/usr/local/bin/
COPY entrypoint.sh healthcheck.sh /usr/local/bin/
COPY a.sh b.sh $DEST
COPY ["a.conf", "b.conf", "/etc/app/"]
COPY single.conf /etc/app.conf
COPY *.conf /etc/conf.d/
ONBUILD RUN npm ci
