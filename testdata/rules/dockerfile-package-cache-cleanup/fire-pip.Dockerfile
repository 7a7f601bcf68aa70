FROM python:3.12-slim
RUN pip install flask==3.0.3
RUN ["python3", "-m", "pip", "install", "gunicorn==22.0.0"]
