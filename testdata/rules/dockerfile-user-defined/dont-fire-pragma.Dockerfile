# harden:ignore dockerfile-user-defined -- the entrypoint drops privileges with gosu
FROM postgres:16
COPY init.sql /docker-entrypoint-initdb.d/
