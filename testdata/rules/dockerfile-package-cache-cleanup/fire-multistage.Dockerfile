# The final stage is built FROM base, so base's layers ship.
FROM debian:12-slim AS base
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends ca-certificates=20230311
EOF

FROM base
RUN sh -c "pip install flask==3.0.3"
ONBUILD RUN apk add git=2.45.2-r0
