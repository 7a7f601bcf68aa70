use super::*;
use crate::dockerfile::Joined;

fn script(text: &str) -> Script {
    let mut joined = Joined::default();
    joined.push(text, 0);
    Script::parse(&joined)
}

fn texts(words: &[&Word]) -> Vec<String> {
    words.iter().map(|w| w.text.clone()).collect()
}

#[test]
fn apt_get_install_with_options_and_release() {
    let s = script("apt-get -qy install -t bookworm-backports --no-install-recommends curl=8 git");
    let inv = Invocation::of(&s.commands[0]).unwrap();
    assert_eq!(inv.manager, Manager::AptGet);
    assert_eq!(inv.action(), "install");
    assert!(inv.has(&["-y"]));
    assert!(inv.has(&["--no-install-recommends"]));
    assert_eq!(texts(&inv.operands), ["curl=8", "git"]);
}

#[test]
fn wrappers_and_python_m_pip() {
    let s = script("sudo -u app env A=1 python3 -m pip install --no-cache-dir flask==3");
    let inv = Invocation::of(&s.commands[0]).unwrap();
    assert_eq!(inv.manager, Manager::Pip);
    assert_eq!(inv.name(), "pip");
    assert_eq!(inv.action(), "install");
    assert_eq!(texts(&inv.operands), ["flask==3"]);
    let s = script("/usr/bin/pip3.12 install -r requirements.txt");
    let inv = Invocation::of(&s.commands[0]).unwrap();
    assert_eq!(inv.name(), "pip3.12");
    assert!(inv.operands.is_empty());
}

#[test]
fn aliases_and_nested_actions() {
    let s = script("zypper -n in -t pattern devel_basis; dnf -y module install nodejs:18; yarn");
    let invs = invocations(&s);
    assert_eq!(invs[0].action(), "install");
    assert!(invs[0].has_before_subcommand(&["-n"]));
    assert_eq!(invs[1].inner_action(), Some("install"));
    assert_eq!(invs[1].action_label(), "module install");
    assert_eq!(invs[2].action(), "install");
}

#[test]
fn not_package_managers() {
    let s = script("echo apt-get install curl; python3 -m venv /venv; sudo; env");
    assert!(invocations(&s).is_empty());
}

#[test]
fn templates_reject_managers_they_do_not_know() {
    use crate::checks::build;
    use serde_json::json;
    assert!(build("package-noninteractive", &json!({"managers": ["pip"]})).is_err());
    assert!(build("package-no-recommends", &json!({"managers": ["apk"]})).is_err());
    assert!(build("package-cache", &json!({"managers": ["go"]})).is_err());
    assert!(build("package-pin", &json!({"managers": ["brew"]})).is_err());
    assert!(build("package-pin", &json!({"managers": []})).is_err());
    assert!(
        build(
            "lone-package-update",
            &json!({"managers": ["apt-get", "dnf"]})
        )
        .is_ok()
    );
}
