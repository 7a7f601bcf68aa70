# sudo in text and comments is not a command.
FROM alpine:3.20
RUN echo "use sudo with care" && apk add --no-cache sudo-docs # not sudo itself
RUN apk add --no-cache su-exec
# The heredoc is input for python3, not a shell script.
RUN python3 <<EOF
print("sudo")
sudo = 1
EOF
