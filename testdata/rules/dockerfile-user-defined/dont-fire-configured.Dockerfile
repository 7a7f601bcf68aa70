# params: {"non-root-images": ["registry.example.com/base/*"]}
FROM registry.example.com/base/java:21
COPY app.jar /app/app.jar
