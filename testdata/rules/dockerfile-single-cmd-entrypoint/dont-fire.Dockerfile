# One CMD and one ENTRYPOINT per stage; stages are counted apart.
FROM golang:1.22 AS build
CMD ["go", "version"]

FROM alpine:3.20
ENTRYPOINT ["/bin/app"]
CMD ["--serve"]
# A trigger for downstream builds is not this stage's CMD.
ONBUILD CMD ["--child"]
RUN echo 'CMD ["x"]' > /tmp/notes
