//! harden: finds security-hardening mistakes in Kubernetes manifests, Helm
//! charts and Dockerfiles, offline, with the exact line and column of each.

pub mod source;
pub mod yaml;
