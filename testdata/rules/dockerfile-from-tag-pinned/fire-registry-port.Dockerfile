# The colon of a registry port is not a tag.
FROM localhost:5000/team/app AS app
FROM registry.example.com:443/base
