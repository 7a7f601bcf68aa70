ARG BASE=ubuntu:24.04
FROM ${BASE}
# ONBUILD USER applies to images built from this one, not to this one.
ONBUILD USER 10001
CMD ["bash"]
