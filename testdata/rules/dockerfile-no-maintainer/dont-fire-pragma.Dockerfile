FROM debian:12-slim
# hadolint ignore=DL4000
MAINTAINER Jane Doe <jane@example.com>
