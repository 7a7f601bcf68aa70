FROM python:3.12-slim AS base
RUN useradd --create-home appuser
USER appuser

FROM base
COPY app.py /home/appuser/
