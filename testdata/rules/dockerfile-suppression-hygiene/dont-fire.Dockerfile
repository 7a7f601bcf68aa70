# syntax=docker/dockerfile:1
# Plain comments, and hadolint settings that ignore nothing.
FROM debian:12-slim
# hadolint shell=bash
# ignore this: it is only a note about harden
RUN echo "# hadolint ignore=DL3008"
