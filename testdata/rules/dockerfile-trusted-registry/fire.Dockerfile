# params: {"allowed-registries": ["registry.example.com"]}
FROM registry.example.com/base/python:3.12 AS ok
FROM quay.io/acme/tools:1.4 AS tools
FROM python:3.12-slim
