FROM alpine:3.19

# escape=`
RUN echo a `
