FROM python
RUN pip --version
