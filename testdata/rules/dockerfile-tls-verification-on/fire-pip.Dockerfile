FROM python:3.12-slim
RUN pip install --trusted-host pypi.org --trusted-host=files.pythonhosted.org requests==2.32.3
RUN python3 -m pip config set global.trusted-host pypi.example.com
ENV PIP_TRUSTED_HOST=pypi.example.com
