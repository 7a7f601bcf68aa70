FROM debian:12-slim
ARG PREFIX=/opt/app
ENV CACHE=/var/cache/build
RUN cd /src && make install && cd .. && rm -rf src
RUN cd /src || exit 1; make
RUN if cd /src; then make; fi
RUN mkdir -p /build && cd /build; cmake /src
RUN set -e; cd /src; make
RUN cd ..; cd /; ls
RUN rm -rf "$PREFIX/"* "$CACHE/"* "$HOME/.cache" "${UNSET:?}/x" "${UNSET:-/tmp}/y" /tmp/*
RUN dir=$(mktemp -d) && rm -rf "$dir/"
RUN for d in /a /b; do rm -rf "$d/"; done
RUN rm -f "$MAYBE/file"
RUN find /tmp -name '*.log' | xargs rm -f && echo done | tee /log
RUN echo "cd /x; rm -rf \$Y/" > /notes
