# An install by another package manager does not use the apt index.
FROM python:3.12-slim
RUN apt-get update && pip install --no-cache-dir flask==3.0.3
