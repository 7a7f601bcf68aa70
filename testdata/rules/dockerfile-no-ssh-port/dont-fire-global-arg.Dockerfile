# A global ARG is visible inside a stage only once the stage declares it
# again, so $PORT is empty here.
ARG PORT=22
FROM alpine:3.20
EXPOSE $PORT
