FROM opensuse/leap:15.6
RUN zypper --non-interactive dup && zypper clean --all
