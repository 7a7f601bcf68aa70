FROM python:3.12-slim
# hadolint ignore=DL3013
RUN pip install --no-cache-dir --upgrade pip
