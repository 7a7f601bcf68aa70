FROM eclipse-temurin:21-jre
# exec keeps signals working, but a shell-form ENTRYPOINT still drops CMD.
ENTRYPOINT exec java $JAVA_OPTS -jar /app.jar
ONBUILD CMD ./start.sh
