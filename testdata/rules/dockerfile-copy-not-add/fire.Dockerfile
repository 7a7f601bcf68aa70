FROM python:3.12-slim
ADD requirements.txt /app/
ADD . /app
