FROM alpine:3.20
RUN mkdir -p /app
# Comments between them do not separate them.
RUN adduser -D app
