FROM debian:12-slim AS base
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN curl -fsSL https://example.com/a | tar -xz
RUN <<EOF
curl -fsSL https://example.com/b | tar -xz
EOF
FROM base
RUN curl -fsSL https://example.com/c | tar -xz
FROM alpine:3.20
RUN set -o pipefail && curl -fsSL https://example.com/d | tar -xz
RUN set -euxo pipefail; \
    wget -qO- https://example.com/e | tar -xz
RUN <<EOF
#!/usr/bin/env -S bash -euo pipefail
curl -fsSL https://example.com/f | tar -xz
EOF
RUN <<EOF
#!/bin/sh
set -eo pipefail
curl -fsSL https://example.com/g | tar -xz
EOF
RUN bash -o pipefail -c 'curl -fsSL https://example.com/h | tar -xz'
RUN echo "deb http://deb.example.com stable main" | tee /etc/apt/sources.list.d/x.list
RUN yes | ./configure && printf 'a\nb\n' | sort
RUN echo "a | b" && true || false
RUN python3 <<EOF
print("a" | "b")
EOF
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN Get-ChildItem C:\ | Select-Object Name
