#!/usr/bin/env python3
"""Differential check of harden's Kubernetes rules against checkov.

Runs checkov (`--framework kubernetes`) and harden on a folder of manifests
(by default the shared corpus) and prints, for every checkov check that maps to
a harden rule through the rule's `equivalents.checkov`, the resources where one
tool fires and the other does not.

    scripts/compare-checkov.py [--harden BIN] [--checkov BIN] [--checkov-json FILE] [DIR]

checkov takes about ten minutes on the shared corpus: --checkov-json FILE keeps
its report and reuses it on the next run. checkov comes from the `checkov`
Python package; without --checkov the script installs it into
target/tools/venv. harden defaults to target/release/harden.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_checkov(path):
    if path:
        return path
    venv = os.path.join(HERE, "target", "tools", "venv")
    binary = os.path.join(venv, "bin", "checkov")
    if not os.path.exists(binary):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "checkov"], check=True)
    return binary


def checkov_report(binary, directory, cache):
    if cache and os.path.exists(cache):
        with open(cache) as f:
            return json.load(f)
    out = subprocess.run(
        [binary, "-d", directory, "--framework", "kubernetes", "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
    )
    report = json.loads(out.stdout)
    if cache:
        with open(cache, "w") as f:
            json.dump(report, f)
    return report


def resource_key(path, kind, name):
    return (os.path.normpath(os.path.abspath(path)), kind, name)


def checkov_failures(report, directory):
    """check id -> set of (file, kind, name) that fail it; what was evaluated; each resource's text."""
    reports = report if isinstance(report, list) else [report]
    failed = collections.defaultdict(set)
    seen = set()
    code = {}
    names = {}
    for r in reports:
        if r.get("check_type") != "kubernetes":
            continue
        results = r.get("results", {})
        for outcome in ("passed_checks", "failed_checks"):
            for check in results.get(outcome, []):
                parts = check["resource"].split(".")
                kind, name = parts[0], parts[-1]
                # checkov prints paths relative to the scanned folder, with a leading "/".
                path = os.path.join(directory, check["file_path"].lstrip("/"))
                if not os.path.exists(path) and os.path.exists(check["file_path"]):
                    path = check["file_path"]
                key = resource_key(path, kind, name)
                seen.add((check["check_id"], key))
                names[check["check_id"]] = check["check_name"]
                if key not in code:
                    code[key] = "".join(line for _, line in check.get("code_block") or [])
                if outcome == "failed_checks":
                    failed[check["check_id"]].add(key)
    return failed, seen, code, names


def harden_findings(binary, directory):
    """rule -> {(file, kind, name): [messages]}, and the files harden skipped with why."""
    out = subprocess.run(
        [binary, "lint", directory, "--select", "all", "--format", "json", "--exit-zero", "-v"],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    if out.returncode != 0:
        sys.exit(f"harden failed ({out.returncode}): {out.stderr}")
    fired = collections.defaultdict(lambda: collections.defaultdict(list))
    for finding in json.loads(out.stdout)["findings"]:
        if not finding["object"]:
            continue
        parts = finding["object"].split("/")
        kind, name = parts[0], parts[-1]
        key = resource_key(os.path.join(HERE, finding["path"]), kind, name)
        fired[finding["rule"]][key].append(finding["message"])
    skipped = {}
    for line in out.stderr.splitlines():
        match = re.match(r"harden: skipped (.*?): (.*)", line)
        if match:
            skipped[os.path.normpath(os.path.join(HERE, match.group(1)))] = match.group(2)
    return fired, skipped


# One harden rule may cover several checkov checks (a control-plane rule checks
# every flag of a component; a capability rule several capabilities). A
# finding counts for a check only when its message names what that check is
# about. Checks of control-plane flags are attributed by the flag their name
# quotes (`--anonymous-auth`), the rest by this table.
ATTRIBUTION = {
    "CKV_K8S_29": r"pod securityContext",
    "CKV_K8S_30": r"^container .* sets no securityContext",
    "CKV_K8S_34": r"runs Helm v2 Tiller",
    "CKV_K8S_44": r"^Service/",
    "CKV_K8S_45": r"listening beyond localhost",
    "CKV_K8S_40": r"UID|runAsUser",
    "CKV_K8S_78": r"EventRateLimit",
    "CKV_K8S_79": r"AlwaysAdmit",
    "CKV_K8S_80": r"AlwaysPullImages",
    "CKV_K8S_81": r"SecurityContextDeny",
    "CKV_K8S_82": r"ServiceAccount\b",
    "CKV_K8S_83": r"NamespaceLifecycle",
    "CKV_K8S_84": r"PodSecurityPolicy",
    "CKV_K8S_85": r"NodeRestriction",
    "CKV_K8S_104": r"encryption",
    "CKV_K8S_105": r"cipher",
    "CKV_K8S_112": r"RotateKubeletServerCertificate",
    "CKV_K8S_151": r"cipher",
    "CKV_K8S_152": r"Lua",
    "CKV_K8S_153": r"raw configuration",
    "CKV_K8S_154": r"alias",
    "CKV_K8S_157": r"\bbind\b|rolebindings",
    "CKV_K8S_158": r"escalate",
}


def attribution(check, name):
    if check in ATTRIBUTION:
        return re.compile(ATTRIBUTION[check])
    flag = re.search(r"--[a-z0-9-]+", name or "")
    if flag and int(re.sub(r"\D", "", check.split("_")[-1]) or 0) >= 68:
        return re.compile(re.escape(flag.group(0)) + r"\b")
    return None


EXPLANATIONS = []


def explains(reason):
    def register(predicate):
        EXPLANATIONS.append((reason, predicate))
        return predicate

    return register


@explains("harden skips files that a kustomization applies as patches: they are fragments, not objects")
def _fragment(check, side, key, cx):
    return "kustomize patch" in cx["skipped"].get(key[0], "")


@explains("the file lies in a Helm chart's directory, which harden reads as a chart, not file by file")
def _in_chart(check, side, key, cx):
    return any(
        "Helm chart" in why and key[0].startswith(path.rstrip(os.sep) + os.sep) for path, why in cx["skipped"].items()
    )


@explains(
    "harden reports each PodSecurityPolicy as removed (Kubernetes 1.25 dropped it; the default "
    "--kube-version is 1.37) instead of judging fields that no cluster enforces"
)
def _psp_removed(check, side, key, cx):
    return key[1] == "PodSecurityPolicy" and "policy/v1\n" not in cx["code"].get(key, "")


@explains("`policy/v1` never served PodSecurityPolicy: the API server rejects this object, so harden does not judge it")
def _psp_bad_api(check, side, key, cx):
    return key[1] == "PodSecurityPolicy" and side == "checkov only" and "policy/v1\n" in cx["code"].get(key, "")


@explains(
    "checkov reads a missing namespace as `default`; harden reports only an explicit `namespace: default`, "
    "because kustomize, Helm and `kubectl -n` set the namespace when the manifest is applied"
)
def _no_namespace(check, side, key, cx):
    return check == "CKV_K8S_21" and side == "checkov only" and not re.search(
        r"^\s+namespace:\s*['\"]?default['\"]?\s*$", cx["code"].get(key, ""), re.M
    )


@explains("Kubernetes keeps the `default` ServiceAccount and the `kubernetes` Service in the default namespace itself")
def _builtin_default(check, side, key, cx):
    return check == "CKV_K8S_21" and (key[1], key[2]) in {("ServiceAccount", "default"), ("Service", "kubernetes")}


WORKLOADS = {
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    "PodTemplate", "DeploymentConfig",
}


@explains(
    "the pod has no container that names an image, which the API server rejects; harden judges the "
    "containers a pod has, and checkov fails checks on containers that are missing"
)
def _no_containers(check, side, key, cx):
    text = cx["code"].get(key, "")
    return side == "checkov only" and key[1] in WORKLOADS and (
        not re.search(r"^\s*-?\s*image:\s*\S", text, re.M)
        or re.search(r"containers:\s*\[\]", text)
        or not re.search(r"^\s*containers:", text, re.M)
    )


@explains("the object has no metadata.name; checkov makes one up from other fields, harden reports it as unnamed")
def _nameless(check, side, key, cx):
    text = cx["code"].get(key, "")
    return side == "checkov only" and bool(text) and not re.search(
        r"^\s+name:\s*['\"]?" + re.escape(key[2]) + r"['\"]?\s*$", text, re.M
    )


def harden_messages(cx, key):
    """What the harden rules mapped to the current check said about `key`."""
    return [m for rule in cx["rules"] for m in cx["fired"].get(rule, {}).get(key, [])]


@explains(
    "harden judges a flag that is not written by the component's default (kube-apiserver's "
    "--authorization-mode defaults to AlwaysAllow); checkov passes flags that are not written"
)
def _flag_default(check, side, key, cx):
    pattern = attribution(check, cx["names"].get(check))
    return (
        side == "harden only"
        and pattern is not None
        and any(pattern.search(m) and re.search(r"is not set|not in --", m) for m in harden_messages(cx, key))
    )


SAFE_DEFAULTS = {
    "CKV_K8S_81": "the SecurityContextDeny admission plugin was removed in Kubernetes 1.30",
    "CKV_K8S_82": "the ServiceAccount admission plugin is on by default; harden reports it only when disabled",
    "CKV_K8S_83": "the NamespaceLifecycle admission plugin is on by default; harden reports it only when disabled",
    "CKV_K8S_84": "the PodSecurityPolicy admission plugin was removed in Kubernetes 1.25",
    "CKV_K8S_88": "--insecure-port was removed in Kubernetes 1.24 and was off by default since 1.20",
    "CKV_K8S_96": "--service-account-lookup defaults to true; harden reports only an explicit false",
    "CKV_K8S_145": "--make-iptables-util-chains defaults to true; harden reports only an explicit false",
}


@explains("a flag whose default is already safe, or that Kubernetes removed: harden reports only a written unsafe value")
def _safe_default(check, side, key, cx):
    return side == "checkov only" and check in SAFE_DEFAULTS and not any(
        pattern.search(m)
        for pattern in [attribution(check, cx["names"].get(check))]
        if pattern is not None
        for m in harden_messages(cx, key)
    )


@explains(
    "the audit-log retention flags matter only when there is an audit log: harden reports the missing "
    "--audit-log-path once instead"
)
def _audit_path(check, side, key, cx):
    return (
        check in ("CKV_K8S_92", "CKV_K8S_93", "CKV_K8S_94")
        and side == "checkov only"
        and any("--audit-log-path is not set" in m for m in harden_messages(cx, key))
    )


@explains(
    "checkov's graph check reports the binding; harden reports the Role or ClusterRole that grants the "
    "right (and workload-rbac-blast-radius the workloads bound to it). checkov joins roles by name across "
    "the whole corpus, where names such as `test` recur in unrelated projects"
)
def _rbac_graph(check, side, key, cx):
    if not (check.startswith("CKV2_K8S_") and side == "checkov only" and key[1].endswith("Binding")):
        return False
    ref = re.search(r"roleRef:\s*\n(?:\s+\w+:.*\n)*?\s+name:\s*['\"]?([^'\"\s]+)", cx["code"].get(key, ""))
    if not ref:
        return False
    return any(
        k[1] in ("Role", "ClusterRole") and k[2] == ref.group(1)
        for rule in cx["rules"]
        for k in cx["fired"].get(rule, {})
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=os.path.join(HERE, "..", "shared", "corpus", "k8s"))
    parser.add_argument("--harden", default=os.path.join(HERE, "target", "release", "harden"))
    parser.add_argument("--checkov")
    parser.add_argument("--checkov-json")
    parser.add_argument("--show-explained", action="store_true", help="list explained differences too")
    args = parser.parse_args()
    directory = os.path.abspath(args.dir)

    report = checkov_report(ensure_checkov(args.checkov), directory, args.checkov_json)
    failed, seen, code, names = checkov_failures(report, directory)
    fired, skipped = harden_findings(args.harden, directory)
    cx = {"code": code, "skipped": skipped, "fired": fired, "names": names, "rules": ()}
    rules = json.loads(
        subprocess.run([args.harden, "rules", "--format", "json"], capture_output=True, text=True).stdout
    )
    by_check = collections.defaultdict(list)
    for rule in rules:
        for check in rule.get("equivalents", {}).get("checkov", []):
            if "_K8S_" in check:
                by_check[check].append(rule["id"])

    print(f"{'checkov check':14} {'harden rules':46} {'both':>5} {'ckv only':>9} {'hdn only':>9} {'unexpl.':>8}")
    unexplained = []
    explained = collections.Counter()
    explained_rows = []
    for check in sorted(by_check, key=lambda c: (len(c), c)):
        pattern = attribution(check, names.get(check))
        cx["rules"] = by_check[check]
        ours = set()
        for rule in by_check[check]:
            for key, messages in fired.get(rule, {}).items():
                if pattern is None or any(pattern.search(m) for m in messages):
                    ours.add(key)
        theirs = failed.get(check, set())
        # Only resources checkov evaluated for this check can disagree with it.
        evaluated = {key for (c, key) in seen if c == check}
        sides = [("checkov only", theirs - ours), ("harden only", {k for k in ours - theirs if k in evaluated})]
        open_count = 0
        for side, keys in sides:
            for key in sorted(keys):
                reason = next((r for r, p in EXPLANATIONS if p(check, side, key, cx)), None)
                row = f"{check}: {side}: {os.path.relpath(key[0], HERE)} {key[1]}/{key[2]}"
                if reason is None:
                    unexplained.append(row)
                    open_count += 1
                else:
                    explained[(check, side, reason)] += 1
                    explained_rows.append(f"{row}  [{reason[:60]}]")
        print(
            f"{check:14} {','.join(by_check[check])[:46]:46} {len(ours & theirs):>5} "
            f"{len(sides[0][1]):>9} {len(sides[1][1]):>9} {open_count:>8}"
        )
    print()
    print("Explained differences:")
    for (check, side, reason), count in sorted(explained.items()):
        print(f"  {check:12} {side:13} {count:>5}  {reason}")
    if args.show_explained:
        print("\n".join(explained_rows))
    if unexplained:
        print()
        print(f"{len(unexplained)} unexplained differences:")
        print("\n".join(unexplained))
        sys.exit(1)
    print("\nNo unexplained difference.")


if __name__ == "__main__":
    main()
