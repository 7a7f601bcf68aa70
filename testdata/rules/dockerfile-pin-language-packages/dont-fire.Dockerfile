# Requirement and lock files, local paths, pinned and unknown variables,
# and commands that install no named package.
ARG YAML_LINT_VERSION=1.35.1
FROM python:3.12-slim
ARG YAML_LINT_VERSION
RUN pip install --no-cache-dir -r requirements.txt \
 && pip install --no-cache-dir --requirement=requirements-dev.txt . \
 && pip install --no-cache-dir -e . \
 && pip install --no-cache-dir -c constraints.txt flask \
 && pip install --no-cache-dir flask==3.0.3 "uvicorn[standard]==0.30.1" \
 && python -m pip install --no-cache-dir "${PACKAGE_NAME}==${PACKAGE_VERSION}" \
 && pip install --no-cache-dir yamllint=="${YAML_LINT_VERSION:-1.35.1}" \
 && pip install --no-cache-dir ./dist/app-1.0-py3-none-any.whl /tmp/lib-2.0.tar.gz \
 && pip install --no-cache-dir git+https://github.com/psf/black@24.4.2 \
 && pip install --no-cache-dir https://github.com/Banno/carbon/tarball/0.9.x-fix-events-callback \
 && pip download flask \
 && echo "pip install flask"

FROM node:20-alpine
RUN npm ci && npm install && npm install --omit=dev \
 && npm install -g npm@10.8.1 @angular/cli@17.3.0 ./local-pkg ../vendor/pkg.tgz \
 && npm install github:user/repo#v1.2.0 \
 && npm run build

FROM ruby:3.3-slim
RUN gem install rails -v 7.1.3 && gem install bundler:2.5.6 ./vendor/tool-1.0.gem \
 && gem update --system 3.5.11

FROM golang:1.22
RUN go install ./cmd/... && go install && go install -v ./internal/tool \
 && GOPROXY=proxy.golang.org go install golang.org/x/tools/gopls@v0.16.1 \
 && go run github.com/GoogleCloudPlatform/artifact-registry-go-tools/cmd/auth@v0.1.0 refresh \
 && go get -u ./... && go get github.com/gorilla/mux@v1.8.1 golang.org/x/net@none \
 && go build -o /out/app ./cmd/app
