FROM ubuntu:24.04
# hadolint ignore=DL3027
RUN apt list --upgradable
