FROM python:3.12-slim
ENV PIP_INDEX_URL=https://ci:hunter2@pypi.example.com/simple
ARG CONFIG="ghp_0123456789abcdefghijABCDEFGHIJ012345"
ENV BOOTSTRAP="-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"
