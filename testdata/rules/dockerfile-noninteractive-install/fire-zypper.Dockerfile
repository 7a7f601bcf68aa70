FROM opensuse/leap:15.6
# After the subcommand, -n is --name, not --non-interactive.
RUN zypper in -n curl=8.6.0 && zypper clean --all
