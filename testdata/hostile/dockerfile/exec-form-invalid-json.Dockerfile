FROM alpine:3.19
USER 1000
CMD ["echo", hi]
ENTRYPOINT ["a",
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"
RUN ["sh", "-c", "echo \u0000"]
