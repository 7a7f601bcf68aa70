FROM golang:1.22 AS build
ENTRYPOINT ["go"]
ENTRYPOINT ["go", "run"]

FROM alpine:3.20
ENTRYPOINT ["/bin/app"]
CMD ["--help"]
entrypoint /bin/app --serve
