//! `harden render` as a black box: Helm's `helm template` layout on stdout,
//! Helm's error text and exit status 2 on failure.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const APP: &str = "testdata/charts/render/app";

fn harden() -> Command {
    let mut command = Command::new(get_cargo_bin("harden"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    command
}

#[test]
fn render_prints_documents_in_helms_order() {
    assert_cmd_snapshot!(harden().args(["render", APP]));
}

#[test]
fn render_missing_chart_is_an_error() {
    assert_cmd_snapshot!(harden().args(["render", "testdata/charts/render/nope"]));
}

#[test]
fn render_bad_set_is_helms_error() {
    assert_cmd_snapshot!(harden().args(["render", APP, "--set", "a.b"]));
}

#[test]
fn render_checks_the_kube_version_constraint() {
    assert_cmd_snapshot!(harden().args(["render", APP, "--kube-version", "1.24"]));
}

#[test]
fn render_refuses_missing_dependencies() {
    assert_cmd_snapshot!(harden().args(["render", "testdata/charts/render/missing-dep"]));
}

#[test]
fn render_with_values_files_and_set() {
    assert_cmd_snapshot!(harden().args([
        "render",
        APP,
        "-f",
        "testdata/charts/render/app/ci/prod-values.yaml",
        "--set",
        "image.tag=1.28",
        "--set-string",
        "sub.greeting=007",
        "--release-name",
        "rel",
        "--namespace",
        "prod",
        "--kube-version",
        "1.31.2",
        "--api-versions",
        "example.com/v1"
    ]));
}

#[test]
fn render_required_value_fails_with_helms_error() {
    assert_cmd_snapshot!(harden().args(["render", "testdata/charts/render/required"]));
}
