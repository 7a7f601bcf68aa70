FROM alpine:3.20
ADD ["config/app.yaml", "vendor.tgz", "/etc/app/"]
