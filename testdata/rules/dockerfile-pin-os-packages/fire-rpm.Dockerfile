FROM rockylinux:9
# python3-devel is a name; httpd-2.4.57 names a version.
RUN dnf install -y python3-devel httpd-2.4.57 && dnf clean all
RUN yum install -y git && yum clean all
RUN microdnf install -y jq && microdnf clean all
RUN tdnf install -y tar && tdnf clean all
RUN dnf module install -y nodejs && dnf clean all
