# The final stage continues "base", which never sets USER either.
FROM python:3.12-slim AS base
RUN pip install --no-cache-dir flask==3.0.3

FROM base AS final
COPY app.py /app/
CMD ["python", "/app/app.py"]
