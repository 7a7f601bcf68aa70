FROM python:3.12-slim AS app
ENTRYPOINT ["python", "/app/app.py"]
CMD ["--config", "/etc/app.yaml"]

FROM eclipse-temurin:21-jre
ENTRYPOINT []
# The shell replaces itself with java, which then receives SIGTERM.
CMD exec java $JAVA_OPTS -jar /app.jar
