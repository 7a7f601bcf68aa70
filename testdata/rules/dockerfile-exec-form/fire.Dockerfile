FROM python:3.12-slim
COPY app.py /app/
ENTRYPOINT python /app/app.py \
    --config /etc/app.yaml
CMD gunicorn --bind 0.0.0.0:8000 app:wsgi
