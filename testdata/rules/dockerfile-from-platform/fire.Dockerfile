FROM --platform=linux/amd64 python:3.12-slim
RUN pip install --no-cache-dir numpy==2.0.0
