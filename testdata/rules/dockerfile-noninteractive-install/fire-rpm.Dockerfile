FROM rockylinux:9
RUN yum install httpd-2.4.57 && yum clean all
RUN dnf module install nodejs:18 && dnf clean all
RUN tdnf remove tar
