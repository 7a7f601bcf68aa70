FROM opensuse/leap:15.6
RUN zypper --non-interactive in curl vim=9.1.0330 && zypper clean --all
