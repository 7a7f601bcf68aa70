use serde_json::json;

use crate::checks::build;
use crate::engine::KubeVersion;

/// The messages a template reports on every object of `text`.
fn run(template: &str, params: serde_json::Value, text: &str, version: &str) -> Vec<String> {
    let check = build(template, &params).expect("valid parameters");
    let version = KubeVersion::parse(version).expect("version");
    crate::checks::run_on_text(check.as_ref(), text, version)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

/// What `sudo-in-command` reports for a pod whose container has `container`
/// (a flow mapping of `command` and `args`).
fn sudo(container: &str) -> Vec<String> {
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - {{name: c, image: x, {container}}}\n"
    );
    run(
        "sudo-in-command",
        json!({"programs": ["sudo"]}),
        &text,
        "1.37",
    )
}

#[test]
fn sudo_in_command_position() {
    for fires in [
        r#"command: [sudo, id]"#,
        r#"command: [/usr/bin/sudo, id]"#,
        r#"command: [env, -i, A=b, sudo, id]"#,
        r#"command: [nice, -n, "5", sudo, id]"#,
        r#"command: [sh, -c, "timeout 10s sudo id"]"#,
        r#"command: [sh, -c, "a; sudo b"]"#,
        r#"command: [bash, -o, pipefail, -euxc, "x && sudo y"]"#,
        r#"command: [sh], args: [-c, "x | sudo tee f"]"#,
        r#"command: [sh, -c, "A=1 B=2 sudo x"]"#,
        r#"command: [sh, -c, "if true; then sudo x; fi"]"#,
        r#"command: [sh, -c, "echo `sudo id`"]"#,
        r#"command: [sh, -c, "v=$(sudo id)"]"#,
        r#"command: [sh, -c, "sh -c 'sudo id'"]"#,
        r#"command: [sh, -c, "x &&\\\n sudo y"]"#,
        r#"args: [sudo, id]"#,
    ] {
        assert_eq!(sudo(fires), ["container \"c\" runs sudo"], "{fires}");
    }
    for quiet in [
        r#"command: [usermod, -aG, sudo, app]"#,
        r#"command: [sh, -c, "echo sudo"]"#,
        r#"command: [sh, -c, "echo 'a; sudo b'"]"#,
        r#"command: [sh, -c, "echo \"a | sudo b\""]"#,
        r##"command: [sh, -c, "# sudo x\nexec app"]"##,
        r#"command: [sh, -c, "pseudo x; sudoers y; sudo-rs z"]"#,
        r#"command: [sh, script.sh, sudo]"#,
        r#"command: [python, -c, "sudo()"]"#,
        r#"command: [app], args: [sudo]"#,
        r#"command: [sh, -c]"#,
        r#"command: "sudo id""#,
        r#"command: [{sudo: id}, [sudo]]"#,
    ] {
        assert!(sudo(quiet).is_empty(), "{quiet}");
    }
}

#[test]
fn sudo_is_reported_once_per_invocation() {
    let found = sudo(r#"command: [sh, -c, "sudo a && sudo b"]"#);
    assert_eq!(found.len(), 2);
}

const UNMASKED: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  containers:
  - {name: c, image: x, securityContext: {procMount: Unmasked}}
";

#[test]
fn proc_mount_in_user_namespace_follows_the_parameter() {
    let strict = json!({});
    let baseline = json!({"allow-in-user-namespace": true});
    assert_eq!(run("proc-mount", strict, UNMASKED, "1.37").len(), 1);
    assert!(run("proc-mount", baseline.clone(), UNMASKED, "1.35").is_empty());
    assert_eq!(
        run("proc-mount", baseline.clone(), UNMASKED, "1.34").len(),
        1
    );
    let shared = UNMASKED.replace("hostUsers: false", "hostUsers: true");
    assert_eq!(run("proc-mount", baseline, &shared, "1.37").len(), 1);
}

#[test]
fn sysctls_also_allowed_by_name_or_prefix() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    sysctls: [{name: net.core.somaxconn}, {name: kernel.msgmax}, {name: vm.swappiness}]
  containers: [{name: c, image: x}]
";
    let params = json!({"also-allow": ["net.core.somaxconn", "kernel.msg*"]});
    let found = run("safe-sysctls", params, text, "1.37");
    assert_eq!(found, ["sysctl \"vm.swappiness\" is not in the safe set"]);
}

#[test]
fn sandbox_label_can_be_any_value_or_absent() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {tier: untrusted}}
spec:
  containers: [{name: c, image: x}]
";
    let classes = json!(["gvisor"]);
    let any_value = json!({"runtime-classes": classes, "label": "tier"});
    assert_eq!(
        run("sandboxed-runtime-class", any_value, text, "1.37").len(),
        1
    );
    let other_value =
        json!({"runtime-classes": classes, "label": "tier", "label-values": ["sandbox"]});
    assert!(run("sandboxed-runtime-class", other_value, text, "1.37").is_empty());
    let everything = json!({"runtime-classes": classes, "label": ""});
    let unlabelled = text.replace(", labels: {tier: untrusted}", "");
    assert_eq!(
        run("sandboxed-runtime-class", everything, &unlabelled, "1.37"),
        ["Pod/p runs without a sandboxed runtime class"]
    );
}

#[test]
fn templates_reject_unknown_parameters() {
    for template in ["linux-hardening", "selinux-options", "proc-mount"] {
        assert!(build(template, &json!({"typo": 1})).is_err(), "{template}");
    }
}

/// Every template survives values of the wrong type where it expects maps,
/// lists and strings.
#[test]
fn odd_input_never_panics() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p, annotations: [a], labels: x}
spec:
  hostUsers: [1]
  runtimeClassName: {a: b}
  os: 7
  securityContext:
    sysctls: {name: x}
    seLinuxOptions: [type]
    seccompProfile: 1
    windowsOptions: {hostProcess: [true]}
  containers:
  - name: [a]
    command: {sh: -c}
    args: [[sudo], null, 1, ~]
    securityContext:
      procMount: [Unmasked]
      seLinuxOptions: {type: [spc_t], user: {a: b}}
      appArmorProfile: {type: {Unconfined: 1}}
      capabilities: {drop: x}
  - just a string
  - ~
---
apiVersion: v1
kind: Pod
metadata: {name: q}
spec:
  securityContext: ~
  containers: ~
";
    let sandbox = json!({"runtime-classes": ["gvisor"], "label": ""});
    let seccomp = json!({
        "field": "seccompProfile",
        "name": "seccomp",
        "pod-annotation": "seccomp.security.alpha.kubernetes.io/pod",
        "container-annotation-prefix": "container.seccomp.security.alpha.kubernetes.io/",
        "annotation-allows": ["runtime/default"],
    });
    let field = json!({"path": "windowsOptions.hostProcess", "equals": true, "message": "m"});
    for (template, params) in [
        ("linux-hardening", json!(null)),
        ("proc-mount", json!(null)),
        ("safe-sysctls", json!(null)),
        ("sandboxed-runtime-class", sandbox),
        ("security-context-field", field),
        ("security-context-present", json!(null)),
        ("selinux-options", json!(null)),
        ("sudo-in-command", json!({"programs": ["sudo"]})),
        ("unconfined-profile", seccomp),
        ("user-namespaces", json!(null)),
    ] {
        run(template, params, text, "1.37");
    }
}
