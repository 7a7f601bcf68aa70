FROM rockylinux:9
RUN dnf install -y httpd-2.4.57 && dnf install -y git-2.43.5
# A clean before the install does not count.
RUN yum clean all && yum install -y tar-1.34
RUN microdnf install -y jq-1.6
