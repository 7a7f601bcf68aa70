FROM alpine:3.19
RUN curl -fsSL https://get.example.com/install.sh | sh \
# a comment

