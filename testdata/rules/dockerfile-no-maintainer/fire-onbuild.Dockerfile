FROM debian:12-slim
maintainer "ops@example.com"
ONBUILD MAINTAINER ops@example.com
