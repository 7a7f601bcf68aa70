//! Check templates: the logic behind rules. A rule file names a template and
//! gives its parameters; several rules may share one template.

mod capabilities;
mod control_plane;
mod dockerfile;
mod expression;
mod field;
mod hardening;
mod helm;
mod host;
mod image;
mod namespaces;
mod network;
mod rbac;
mod relations;
mod reliability;
mod resources;
mod schema;
mod secrets;
mod security_context;
mod service_account;
mod supply_chain;

pub use helm::{dependency_entry, is_test_hook};

use serde::de::DeserializeOwned;

use std::sync::Arc;

use crate::engine::{Cx, SetCx};
use crate::k8s::Object;
use crate::source::SourceFile;

/// The logic of a rule: run once per Kubernetes object, or once per
/// Dockerfile for rules whose target is `dockerfile`.
pub trait Check: Send + Sync {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let _ = (cx, object);
    }

    fn check_dockerfile(&self, cx: &mut Cx<'_>, dockerfile: &crate::dockerfile::Dockerfile) {
        let _ = (cx, dockerfile);
    }

    /// Runs once per chart (and once per dependency vendored in it) for
    /// rules whose target is `chart`; findings may land in any of its files.
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &crate::helm::lint::ChartFiles) {
        let _ = (cx, chart);
    }

    /// True for rules over the whole set of objects (a Service and the pods
    /// it selects): they `project` each object while files are read in
    /// parallel, then `check_set` once on everything kept.
    fn needs_set(&self) -> bool {
        false
    }

    /// What to keep of one object for `check_set`; files are dropped once
    /// read, so a record holds only what the rule needs (and the file, for
    /// reporting).
    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        let _ = (object, file);
        None
    }

    /// Runs once on the records of every object, in path and position order.
    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let _ = (cx, records);
    }
}

/// What a set rule keeps of one object; each rule downcasts its own type.
pub type Record = Box<dyn std::any::Any + Send + Sync>;

/// Builds a template's check from its parameters.
type Builder = fn(&serde_json::Value) -> Result<Box<dyn Check>, BuildError>;

pub use expression::{EvalError, ExpressionScratch};

/// Why a rule's check could not be built: the message, and the parameter it
/// is about (a dotted path below `params`) when one is to blame.
#[derive(Debug)]
pub struct BuildError {
    pub message: String,
    pub param: Option<String>,
    /// For a syntax error inside a text parameter (a CEL condition): the
    /// 1-based line and column within that text.
    pub position: Option<(usize, usize)>,
}

impl From<String> for BuildError {
    fn from(message: String) -> Self {
        BuildError {
            message,
            param: None,
            position: None,
        }
    }
}

impl From<BuildError> for String {
    fn from(error: BuildError) -> Self {
        error.message
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every template a rule file may name, sorted by name.
pub const TEMPLATES: &[(&str, Builder)] = &[
    ("add-source", |p| {
        Ok(Box::new(dockerfile::AddSource::new(parse(p)?)))
    }),
    ("admin-equivalent-binding", |p| {
        Ok(Box::new(rbac::AdminEquivalentBinding::new(parse(p)?)))
    }),
    ("automount-token", |p| {
        no_params(p, service_account::AutomountToken)
    }),
    ("binding-role-ref", |p| {
        Ok(Box::new(rbac::BindingRoleRef::new(parse(p)?)))
    }),
    ("binding-subject", |p| {
        Ok(Box::new(rbac::BindingSubject::new(parse(p)?)?))
    }),
    ("capabilities-added", |p| {
        Ok(Box::new(capabilities::CapabilitiesAdded::new(parse(p)?)?))
    }),
    ("capability-dropped", |p| {
        Ok(Box::new(capabilities::CapabilityDropped::new(parse(p)?)?))
    }),
    ("chart-dependencies", |p| {
        Ok(Box::new(helm::DependencyPinned::new(parse(p)?)))
    }),
    ("chart-metadata", |p| no_params(p, helm::ChartMetadata)),
    ("component-flags", |p| {
        Ok(Box::new(control_plane::ComponentFlags::new(parse(p)?)?))
    }),
    ("container-field", |p| {
        Ok(Box::new(field::ContainerField::new(parse(p)?)?))
    }),
    ("container-port-range", |p| {
        Ok(Box::new(network::ContainerPortRange::new(parse(p)?)?))
    }),
    ("container-ports-valid", |p| {
        no_params(p, reliability::ContainerPortsValid)
    }),
    ("container-resource", |p| {
        Ok(Box::new(resources::ContainerResource::new(parse(p)?)?))
    }),
    ("cronjob-starting-deadline", |p| {
        Ok(Box::new(reliability::CronJobStartingDeadline::new(parse(
            p,
        )?)))
    }),
    ("dangerous-capabilities", |p| {
        Ok(Box::new(capabilities::DangerousCapabilities::new(parse(
            p,
        )?)?))
    }),
    ("default-account-automount", |p| {
        no_params(p, rbac::DefaultAccountAutomount)
    }),
    ("default-namespace", |p| {
        Ok(Box::new(namespaces::DefaultNamespace::new(parse(p)?)))
    }),
    ("default-service-account", |p| {
        no_params(p, rbac::DefaultServiceAccount)
    }),
    ("deprecated-api-version", |p| {
        no_params(p, namespaces::DeprecatedApiVersion)
    }),
    ("deprecated-service-account-field", |p| {
        no_params(p, rbac::DeprecatedAccountField)
    }),
    ("dns-config-option", |p| {
        Ok(Box::new(reliability::DnsConfigOption::new(parse(p)?)?))
    }),
    ("env-reference-exists", |p| {
        Ok(Box::new(relations::EnvReferenceExists::new(parse(p)?)))
    }),
    ("exec-form", |p| no_params(p, dockerfile::ExecForm)),
    ("expose-port", |p| {
        Ok(Box::new(dockerfile::ExposePort::new(parse(p)?)?))
    }),
    ("expose-valid", |p| {
        Ok(Box::new(dockerfile::ExposeValid::new(parse(p)?)))
    }),
    ("final-user", |p| no_params(p, dockerfile::FinalUser)),
    ("from-digest", |p| {
        Ok(Box::new(dockerfile::FromDigest::new(parse(p)?)))
    }),
    ("from-platform", |p| {
        Ok(Box::new(dockerfile::FromPlatform::new(parse(p)?)))
    }),
    ("from-registry", |p| {
        Ok(Box::new(dockerfile::FromRegistry::new(parse(p)?)))
    }),
    ("from-tag", |p| {
        Ok(Box::new(dockerfile::FromTag::new(parse(p)?)))
    }),
    ("gateway-backend-exists", |p| {
        no_params(p, relations::GatewayBackendExists)
    }),
    ("git-sync-custom-git", |p| {
        Ok(Box::new(supply_chain::GitSyncCustomGit::new(parse(p)?)))
    }),
    ("healthcheck", |p| {
        Ok(Box::new(dockerfile::Healthcheck::new(parse(p)?)))
    }),
    ("high-entropy-strings", |p| {
        Ok(Box::new(secrets::HighEntropyStrings::new(parse(p)?)?))
    }),
    ("high-uid-gid", |p| {
        Ok(Box::new(security_context::HighUidGid::new(parse(p)?)?))
    }),
    ("host-aliases", |p| no_params(p, host::HostAliases)),
    ("host-path", |p| {
        Ok(Box::new(host::HostPath::new(parse(p)?)?))
    }),
    ("host-path-volume", |p| no_params(p, host::HostPathVolume)),
    ("host-port", |p| no_params(p, host::HostPort)),
    ("hpa-managed-no-static-replicas", |p| {
        no_params(p, relations::HpaManagedNoStaticReplicas)
    }),
    ("hpa-max-greater-than-min", |p| {
        no_params(p, reliability::HpaMaxGreaterThanMin)
    }),
    ("hpa-min-replicas", |p| {
        Ok(Box::new(reliability::HpaMinReplicas::new(parse(p)?)?))
    }),
    ("hpa-target-exists", |p| {
        no_params(p, relations::HpaTargetExists)
    }),
    ("image-digest", |p| {
        Ok(Box::new(image::ImageDigest::new(parse(p)?)))
    }),
    ("image-pull-policy", |p| {
        Ok(Box::new(image::ImagePullPolicy::new(parse(p)?)))
    }),
    ("image-registry", |p| {
        Ok(Box::new(supply_chain::ImageRegistry::new(parse(p)?)?))
    }),
    ("image-size-hygiene", |p| {
        Ok(Box::new(dockerfile::ImageSizeHygiene::new(parse(p)?)))
    }),
    ("image-tag", |p| {
        Ok(Box::new(image::ImageTag::new(parse(p)?)))
    }),
    ("ingress-backend-exists", |p| {
        no_params(p, relations::IngressBackendExists)
    }),
    ("ingress-nginx-snippets", |p| {
        no_params(p, network::IngressNginxSnippets)
    }),
    ("ingress-tls", |p| no_params(p, network::IngressTls)),
    ("input", |p| no_params(p, Input)),
    ("instruction-used", |p| {
        Ok(Box::new(dockerfile::InstructionUsed::new(parse(p)?)?))
    }),
    ("job-ttl-after-finished", |p| {
        no_params(p, reliability::JobTtlAfterFinished)
    }),
    ("kubernetes-dashboard", |p| {
        no_params(p, supply_chain::KubernetesDashboard)
    }),
    ("label-schema", |p| {
        Ok(Box::new(dockerfile::LabelSchema::new(parse(p)?)?))
    }),
    ("label-syntax", |p| no_params(p, namespaces::LabelSyntax)),
    ("legacy-psp", |p| {
        Ok(Box::new(namespaces::LegacyPodSecurityPolicy::new(parse(
            p,
        )?)))
    }),
    ("linux-hardening", |p| {
        no_params(p, hardening::LinuxHardening)
    }),
    ("literal-secret-env", |p| {
        Ok(Box::new(secrets::LiteralSecretEnv::new(parse(p)?)?))
    }),
    ("loadbalancer-source-ranges", |p| {
        Ok(Box::new(network::LoadBalancerSourceRanges::new(parse(p)?)))
    }),
    ("lone-package-update", |p| {
        Ok(Box::new(dockerfile::LonePackageUpdate::new(parse(p)?)?))
    }),
    ("min-replicas", |p| {
        Ok(Box::new(reliability::MinReplicas::new(parse(p)?)?))
    }),
    ("namespace-default-deny", |p| {
        Ok(Box::new(relations::NamespaceDefaultDeny::new(parse(p)?)))
    }),
    ("namespace-exists", |p| {
        Ok(Box::new(relations::NamespaceExists::new(parse(p)?)))
    }),
    ("namespace-pss-enforce", |p| {
        Ok(Box::new(namespaces::NamespacePssEnforce::new(parse(p)?)))
    }),
    ("network-policy-allow-all", |p| {
        no_params(p, network::NetworkPolicyAllowAll)
    }),
    ("network-policy-both-directions", |p| {
        no_params(p, relations::NetworkPolicyBothDirections)
    }),
    ("network-policy-peer-selects-pods", |p| {
        no_params(p, relations::NetworkPolicyPeerSelectsPods)
    }),
    ("network-policy-selects-pods", |p| {
        no_params(p, relations::NetworkPolicySelectsPods)
    }),
    ("no-duplicate-env", |p| {
        no_params(p, reliability::NoDuplicateEnv)
    }),
    ("no-naked-pods", |p| no_params(p, reliability::NoNakedPods)),
    ("node-affinity-set", |p| {
        no_params(p, reliability::NodeAffinitySet)
    }),
    ("numeric-user", |p| {
        Ok(Box::new(dockerfile::NumericUser::new(parse(p)?)))
    }),
    ("package-cache", |p| {
        Ok(Box::new(dockerfile::PackageCache::new(parse(p)?)?))
    }),
    ("package-command", |p| {
        Ok(Box::new(dockerfile::PackageCommand::new(parse(p)?)?))
    }),
    ("package-no-recommends", |p| {
        Ok(Box::new(dockerfile::PackageNoRecommends::new(parse(p)?)?))
    }),
    ("package-noninteractive", |p| {
        Ok(Box::new(dockerfile::PackageNoninteractive::new(parse(p)?)?))
    }),
    ("package-pin", |p| {
        Ok(Box::new(dockerfile::PackagePin::new(parse(p)?)?))
    }),
    ("pdb-allows-disruption", |p| {
        no_params(p, reliability::PdbAllowsDisruption)
    }),
    ("pdb-has-policy", |p| {
        no_params(p, reliability::PdbHasPolicy)
    }),
    ("pdb-selects-pods", |p| {
        no_params(p, relations::PdbSelectsPods)
    }),
    ("pdb-unhealthy-eviction-policy", |p| {
        no_params(p, reliability::PdbUnhealthyEvictionPolicy)
    }),
    ("pdb-vs-hpa-min", |p| no_params(p, relations::PdbVsHpaMin)),
    ("pipefail", |p| {
        Ok(Box::new(dockerfile::Pipefail::new(parse(p)?)))
    }),
    ("plaintext-secret", |p| {
        no_params(p, secrets::PlaintextSecret)
    }),
    ("pod-anti-affinity", |p| {
        Ok(Box::new(reliability::PodAntiAffinity::new(parse(p)?)?))
    }),
    ("pod-field", |p| {
        Ok(Box::new(field::PodField::new(parse(p)?)?))
    }),
    ("pod-selected-by-network-policy", |p| {
        no_params(p, relations::PodSelectedByNetworkPolicy)
    }),
    ("priority-class-set", |p| {
        Ok(Box::new(reliability::PriorityClassSet::new(parse(p)?)))
    }),
    ("private-key-material", |p| {
        no_params(p, secrets::PrivateKeyMaterial)
    }),
    ("privilege-escalation", |p| {
        Ok(Box::new(security_context::PrivilegeEscalation::new(
            parse(p)?,
        )?))
    }),
    ("probe-host", |p| no_params(p, host::ProbeHost)),
    ("probe-port-declared", |p| {
        no_params(p, reliability::ProbePortDeclared)
    }),
    ("probe-set", |p| {
        Ok(Box::new(reliability::ProbeSet::new(parse(p)?)))
    }),
    ("probes-not-identical", |p| {
        no_params(p, reliability::ProbesNotIdentical)
    }),
    ("proc-mount", |p| {
        Ok(Box::new(hardening::ProcMount::new(parse(p)?)))
    }),
    ("pss-label-hygiene", |p| {
        Ok(Box::new(namespaces::PssLabelHygiene::new(parse(p)?)))
    }),
    ("rbac-blast-radius", |p| no_params(p, rbac::BlastRadius)),
    ("rbac-grants", |p| {
        Ok(Box::new(rbac::RbacGrants::new(parse(p)?)?))
    }),
    ("rbac-reference-exists", |p| {
        Ok(Box::new(relations::RbacReferenceExists::new(parse(p)?)))
    }),
    ("rbac-wildcard", |p| no_params(p, rbac::RbacWildcard)),
    ("read-only-root-filesystem", |p| {
        Ok(Box::new(security_context::ReadOnlyRootFilesystem::new(
            parse(p)?,
        )?))
    }),
    ("remote-script-pipe", |p| {
        Ok(Box::new(dockerfile::RemoteScriptPipe::new(parse(p)?)?))
    }),
    ("repeated-instruction", |p| {
        Ok(Box::new(dockerfile::RepeatedInstruction::new(parse(p)?)?))
    }),
    ("request-limit", |p| {
        Ok(Box::new(reliability::RequestLimit::new(parse(p)?)?))
    }),
    ("required-metadata", |p| {
        Ok(Box::new(namespaces::RequiredMetadata::new(parse(p)?)))
    }),
    ("resource-bounds", |p| {
        Ok(Box::new(reliability::ResourceBounds::new(parse(p)?)?))
    }),
    ("restart-policy-valid", |p| {
        no_params(p, reliability::RestartPolicyValid)
    }),
    ("rolling-update-strategy", |p| {
        no_params(p, reliability::RollingUpdateStrategy)
    }),
    ("root-group", |p| {
        Ok(Box::new(security_context::RootGroup::new(parse(p)?)?))
    }),
    ("root-user", |p| {
        Ok(Box::new(security_context::RootUser::new(parse(p)?)?))
    }),
    ("run-as-non-root", |p| {
        Ok(Box::new(security_context::RunAsNonRoot::new(parse(p)?)?))
    }),
    ("run-option", |p| {
        Ok(Box::new(dockerfile::RunOption::new(parse(p)?)?))
    }),
    ("run-program", |p| {
        Ok(Box::new(dockerfile::RunProgram::new(parse(p)?)?))
    }),
    ("safe-sysctls", |p| {
        Ok(Box::new(hardening::SafeSysctls::new(parse(p)?)))
    }),
    ("sandboxed-runtime-class", |p| {
        Ok(Box::new(hardening::SandboxedRuntimeClass::new(parse(p)?)))
    }),
    ("scc-privileged", |p| no_params(p, rbac::SccPrivileged)),
    ("schema-valid", |p| no_params(p, schema::SchemaValid)),
    ("seccomp-profile", |p| {
        Ok(Box::new(security_context::SeccompProfileRequired::new(
            parse(p)?,
        )?))
    }),
    ("secret-access-inventory", |p| {
        no_params(p, secrets::SecretAccessInventory)
    }),
    ("secret-from-env", |p| no_params(p, secrets::SecretFromEnv)),
    ("secret-in-configmap", |p| {
        Ok(Box::new(secrets::SecretInConfigMap::new(parse(p)?)?))
    }),
    ("secret-variable", |p| {
        Ok(Box::new(dockerfile::SecretVariable::new(parse(p)?)?))
    }),
    ("security-context-field", |p| {
        Ok(Box::new(hardening::SecurityContextField::new(parse(p)?)))
    }),
    ("security-context-present", |p| {
        no_params(p, hardening::SecurityContextPresent)
    }),
    ("selector-matches-template", |p| {
        no_params(p, reliability::SelectorMatchesTemplate)
    }),
    ("selinux-options", |p| {
        no_params(p, hardening::SelinuxOptions)
    }),
    ("service-account-exists", |p| {
        Ok(Box::new(relations::ServiceAccountExists::new(parse(p)?)))
    }),
    ("service-external-ips", |p| {
        no_params(p, network::ServiceExternalIps)
    }),
    ("service-selects-pods", |p| {
        no_params(p, relations::ServiceSelectsPods)
    }),
    ("service-target-port-exists", |p| {
        no_params(p, relations::ServiceTargetPortExists)
    }),
    ("service-type", |p| {
        Ok(Box::new(network::ServiceType::new(parse(p)?)))
    }),
    ("servicemonitor-selects-service", |p| {
        no_params(p, relations::ServiceMonitorSelectsService)
    }),
    ("shell-replaced", |p| {
        no_params(p, dockerfile::ShellReplaced)
    }),
    ("shellcheck", |p| {
        Ok(Box::new(dockerfile::Shellcheck::new(parse(p)?)?))
    }),
    ("sorted-keys", |p| no_params(p, namespaces::SortedKeys)),
    ("ssh-port", |p| {
        Ok(Box::new(network::SshPort::new(parse(p)?)))
    }),
    ("stage-references", |p| {
        Ok(Box::new(dockerfile::StageReferences::new(parse(p)?)))
    }),
    ("statefulset-headless-service", |p| {
        no_params(p, relations::StatefulSetHeadlessService)
    }),
    ("statefulset-volume-claims", |p| {
        no_params(p, reliability::StatefulSetVolumeClaims)
    }),
    ("sudo-in-command", |p| {
        Ok(Box::new(hardening::SudoInCommand::new(parse(p)?)))
    }),
    ("suppression-pragmas", |p| {
        no_params(p, dockerfile::SuppressionPragmas)
    }),
    ("syntax-semantics", |p| {
        no_params(p, dockerfile::SyntaxSemantics)
    }),
    ("template-namespace", |p| {
        no_params(p, helm::HardcodedNamespace)
    }),
    ("test-hook-scope", |p| no_params(p, helm::TestHookScope)),
    ("tiller", |p| no_params(p, supply_chain::Tiller)),
    ("topology-spread-valid", |p| {
        no_params(p, reliability::TopologySpreadValid)
    }),
    ("unconfined-profile", |p| {
        Ok(Box::new(hardening::UnconfinedProfile::new(parse(p)?)))
    }),
    ("user-defined", |p| {
        Ok(Box::new(dockerfile::UserDefined::new(parse(p)?)))
    }),
    ("user-namespaces", |p| {
        no_params(p, hardening::UserNamespaces)
    }),
    ("values-image-tag", |p| no_params(p, helm::ValuesImageTag)),
    ("values-literal-secret", |p| {
        Ok(Box::new(helm::ValuesLiteralSecret::new(parse(p)?)?))
    }),
    ("values-schema", |p| no_params(p, helm::SchemaPresent)),
    ("values-security-context", |p| {
        no_params(p, helm::ValuesSecurityContext)
    }),
    ("vendor-tokens", |p| no_params(p, secrets::VendorTokens)),
    ("volume-types", |p| {
        Ok(Box::new(host::VolumeTypes::new(parse(p)?)?))
    }),
    ("vulnerable-component", |p| {
        Ok(Box::new(supply_chain::VulnerableComponent::new(parse(p)?)?))
    }),
    ("workdir", |p| no_params(p, dockerfile::Workdir)),
    ("workload-has-pdb", |p| {
        no_params(p, relations::WorkloadHasPdb)
    }),
    ("workload-meets-namespace-pss", |p| {
        Ok(Box::new(relations::WorkloadMeetsNamespacePss::new(parse(
            p,
        )?)?))
    }),
    ("writable-host-path", |p| {
        no_params(p, host::WritableHostPath)
    }),
];

/// Builds a rule's check from its template and parameters. The `expression`
/// template also depends on the rule's target (which values its condition sees).
pub fn build_rule(
    template: &str,
    target: crate::engine::Target,
    params: &serde_json::Value,
) -> Result<Box<dyn Check>, BuildError> {
    if template == expression::TEMPLATE {
        return expression::build(target, params);
    }
    build(template, params)
}

/// Builds the check of a template of `TEMPLATES` from its parameters.
pub fn build(template: &str, params: &serde_json::Value) -> Result<Box<dyn Check>, BuildError> {
    match TEMPLATES.iter().find(|(name, _)| *name == template) {
        Some((_, builder)) => builder(params),
        None => Err(format!("unknown check template `{template}`").into()),
    }
}

/// Reads template parameters; unknown or missing ones are errors that name
/// the parameter.
pub fn parse<T: DeserializeOwned>(params: &serde_json::Value) -> Result<T, BuildError> {
    let params = if params.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        params.clone()
    };
    serde_path_to_error::deserialize(params).map_err(|e| {
        let path = e.path().to_string();
        BuildError {
            message: format!("check parameters: {}", e.inner()),
            param: (path != ".").then_some(path),
            position: None,
        }
    })
}

/// A check that takes no parameters; any given are an error.
fn no_params(
    params: &serde_json::Value,
    check: impl Check + 'static,
) -> Result<Box<dyn Check>, BuildError> {
    parse::<NoParams>(params)?;
    Ok(Box::new(check))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

/// Findings about the input itself (unreadable files, syntax errors,
/// duplicate keys) are made by the loader; the rule exists for its metadata.
struct Input;

impl Check for Input {
    fn check(&self, _: &mut Cx<'_>, _: &Object<'_>) {}
}

/// Fills `{name}` placeholders of a message template.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// True for text that still holds a template expression or a variable left
/// for a later substitution step (Helm, Kustomize replacements, envsubst).
pub fn unrendered(text: &str) -> bool {
    text.contains("{{") || text.contains("${")
}

/// True for a value that is still an unrendered template (`"{{ .Values.uid }}"`,
/// `${UID}`, or the flow mapping YAML makes of an unquoted `{{ ... }}`): its
/// real value is unknown, so no rule may judge it.
pub fn is_templated(node: crate::yaml::NodeRef<'_>) -> bool {
    match node.text() {
        Some(text) => unrendered(text),
        None => node.is_map() && node.entries().any(|(key, _)| key.is_map()),
    }
}

/// For a missing field at `path` below `base`: the key span of its nearest
/// existing ancestor (`securityContext:` when `securityContext.privileged` is
/// absent), or `None` when not even the first key exists.
pub fn nearest_span(base: crate::yaml::NodeRef<'_>, path: &str) -> Option<crate::source::Span> {
    let mut node = base;
    let mut span = None;
    for key in path.split('.') {
        let Some((k, v)) = node.entry(key) else {
            return span;
        };
        span = Some(k.span());
        if !v.is_map() {
            break;
        }
        node = v;
    }
    span
}

/// Runs one check over every object of a YAML text, for unit tests of templates.
#[cfg(test)]
pub(crate) fn run_on_text(
    check: &dyn Check,
    yaml: &str,
    kube_version: crate::engine::KubeVersion,
) -> Vec<crate::engine::Finding> {
    use std::sync::Arc;

    let file = Arc::new(crate::source::SourceFile::new("test.yaml", yaml));
    let parsed = crate::yaml::parse_stream(&file.text, &Default::default());
    let settings = crate::engine::Settings { kube_version };
    let rule_id: Arc<str> = Arc::from("test-rule");
    let mut findings = Vec::new();
    for document in &parsed.documents {
        for object in Object::all_in(document) {
            let scratch = ExpressionScratch::default();
            let mut cx = Cx {
                settings: &settings,
                file: &file,
                rule: 0,
                rule_id: &rule_id,
                severity: crate::engine::Severity::High,
                object: None,
                findings: &mut findings,
                scratch: Some(&scratch),
            };
            check.check(&mut cx, &object);
        }
    }
    findings
}

#[cfg(test)]
mod registry_tests {
    #[test]
    fn templates_are_sorted_and_unique() {
        let names: Vec<&str> = super::TEMPLATES.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn unknown_templates_and_parameters_are_errors() {
        let none = serde_json::Value::Null;
        let object = crate::engine::Target::Object;
        assert!(super::build_rule("no-such-template", object, &none).is_err());
        let extra = serde_json::json!({"bogus": 1});
        assert!(super::build("input", &extra).is_err());
        let error = super::build_rule("host-port", object, &extra)
            .err()
            .unwrap();
        assert_eq!(error.param.as_deref(), Some("bogus"));
    }
}
