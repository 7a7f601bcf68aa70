FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
COPY . .
RUN echo "cd /tmp is not run here" && make -C /src build
RUN ["go", "build", "-o", "/out/app", "."]

# A stage built on another keeps its WORKDIR.
FROM build AS test
COPY testdata/ testdata/
RUN go test ./...

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS win
WORKDIR C:\app

FROM gcr.io/distroless/static-debian12
ARG APP_HOME=/opt/app
WORKDIR $APP_HOME
WORKDIR $HOME/unknown
COPY --from=build /out/app /usr/local/bin/app
COPY config.yaml $CONFIG_DIR
