FROM opensuse/tumbleweed
# hadolint ignore=DL3035
RUN zypper --non-interactive dup
