FROM debian:12-slim
ARG PREFIX
RUN rm -rf "$PREFIX/"*
RUN rm -r -f "${STAGING}/lib" && sudo rm -fr $TARGET/
