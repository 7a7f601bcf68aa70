# ADD does not unpack zip files: this is a plain copy.
FROM alpine:3.20
ARG BUNDLE=site.zip
ADD ${BUNDLE} /srv/
