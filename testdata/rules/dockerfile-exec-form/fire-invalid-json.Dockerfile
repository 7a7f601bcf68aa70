FROM alpine:3.20
# Single quotes are not JSON: this is shell form.
CMD ['/usr/bin/app', '--serve']
