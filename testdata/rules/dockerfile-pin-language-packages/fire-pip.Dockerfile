FROM python:3.12-slim
RUN pip install --no-cache-dir flask gunicorn==22.0.0
RUN python3 -m pip install --no-cache-dir "requests>=2.31" \
 && pip3 install --no-cache-dir git+https://github.com/psf/black
