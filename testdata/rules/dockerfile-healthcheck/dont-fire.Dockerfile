# One HEALTHCHECK per stage; a missing one is not reported unless required.
FROM nginx:1.27 AS web
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
# The trigger runs in a downstream build, not in this stage.
ONBUILD HEALTHCHECK CMD ["/bin/true"]

FROM web AS api
HEALTHCHECK CMD curl -f http://localhost/api || exit 1

FROM alpine:3.20
CMD ["echo", "HEALTHCHECK"]
