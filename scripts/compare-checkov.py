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

try:
    import yaml
except ImportError:  # the structural explanations need PyYAML; without it they explain nothing
    yaml = None

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
                # Two documents of a file may share kind and name: the text of
                # a failing one is the one that explains a difference.
                if key not in code or outcome == "failed_checks":
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
    "CKV_K8S_30": r"^container .* (sets no|has an empty) securityContext",
    "CKV_K8S_39": r"SYS_ADMIN|capability ALL",
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
    "CKV_K8S_153": r"snippet",
    "CKV_K8S_154": r"alias",
    "CKV_K8S_157": r"can bind",
    "CKV2_K8S_1": r"rolebindings|runs as ServiceAccount",
    "CKV_K8S_158": r"escalate",
}


def attribution(check, name):
    if check in ATTRIBUTION:
        return re.compile(ATTRIBUTION[check])
    flags = re.findall(r"--[a-z0-9-]+", name or "")
    if flags and int(re.sub(r"\D", "", check.split("_")[-1]) or 0) >= 68:
        return re.compile("|".join(re.escape(f) + r"\b" for f in flags))
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
    obj = parsed(cx, key)
    if isinstance(obj, dict) and obj.get("kind") == "List":
        obj = next(
            (i for i in obj.get("items") or [] if isinstance(i, dict) and (i.get("metadata") or {}).get("name") == key[2]),
            None,
        )
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    return check == "CKV_K8S_21" and side == "checkov only" and isinstance(metadata, dict) and (
        metadata.get("namespace") in (None, "")
    )


@explains("Kubernetes keeps the `default` ServiceAccount and the `kubernetes` Service in the default namespace itself")
def _builtin_default(check, side, key, cx):
    return check == "CKV_K8S_21" and (key[1], key[2]) in {("ServiceAccount", "default"), ("Service", "kubernetes")}


WORKLOADS = {
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    "PodTemplate", "DeploymentConfig",
}


def parsed(cx, key):
    """The object as checkov printed it, parsed; None when that fails."""
    cache = cx.setdefault("parsed", {})
    if key not in cache:
        try:
            docs = yaml.safe_load_all(cx["code"].get(key, "")) if yaml else []
            found = next((d for d in docs if d is not None), None)
            # An item of a `kind: List` comes as a one-item YAML list.
            if isinstance(found, list):
                found = next((i for i in found if isinstance(i, dict)), None)
            cache[key] = found
        except Exception:  # noqa: BLE001 - any YAML error means "cannot tell"
            cache[key] = None
    return cache[key]


def pod_spec(obj):
    if not isinstance(obj, dict):
        return None
    spec = obj.get("spec")
    if obj.get("kind") == "CronJob":
        spec = ((((spec or {}).get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")
    elif obj.get("kind") != "Pod":
        spec = ((spec or {}).get("template") or {}).get("spec") if isinstance(spec, dict) else None
    return spec if isinstance(spec, dict) else None


def containers(spec):
    out = []
    for field in ("containers", "initContainers", "ephemeralContainers"):
        items = (spec or {}).get(field)
        if isinstance(items, list):
            out.extend(c for c in items if isinstance(c, dict))
    return out


@explains(
    "the pod spec is malformed (no `containers` list under the pod template, where the kind puts it), "
    "which the API server rejects: there is no container for harden to judge"
)
def _malformed_pod(check, side, key, cx):
    if side != "checkov only" or key[1] not in WORKLOADS:
        return False
    obj = parsed(cx, key)
    if obj is None:
        return False
    regular = (pod_spec(obj) or {}).get("containers")
    return not isinstance(regular, list) or not any(isinstance(c, dict) for c in regular)


@explains(
    "a container without an image is rejected by the API server; harden's image rules judge the images "
    "containers name, and checkov fails them on a missing one"
)
def _no_image(check, side, key, cx):
    if side != "checkov only" or check not in ("CKV_K8S_14", "CKV_K8S_15", "CKV_K8S_43"):
        return False
    found = containers(pod_spec(parsed(cx, key)))
    return bool(found) and any(not isinstance(c.get("image"), str) or not c["image"].strip() for c in found)


@explains(
    "a pod that runs to completion (restartPolicy Never or OnFailure) is not restarted or load balanced "
    "on probe results, so harden does not ask it for probes"
)
def _run_to_completion(check, side, key, cx):
    spec = pod_spec(parsed(cx, key))
    return check in ("CKV_K8S_8", "CKV_K8S_9") and side == "checkov only" and (
        (spec or {}).get("restartPolicy") in ("Never", "OnFailure") or key[1] in ("Job", "CronJob")
    )


@explains("Kubernetes sets a missing request to the container's limit, so a container with a limit has a request")
def _request_from_limit(check, side, key, cx):
    resource = {"CKV_K8S_10": "cpu", "CKV_K8S_12": "memory"}.get(check)
    if not resource or side != "checkov only":
        return False
    found = containers(pod_spec(parsed(cx, key)))
    return bool(found) and all(
        resource in ((c.get("resources") or {}).get("requests") or {})
        or resource in ((c.get("resources") or {}).get("limits") or {})
        for c in found
    )


def capabilities(cx, key, field):
    return [
        str(cap)
        for c in containers(pod_spec(parsed(cx, key)))
        for cap in (((c.get("securityContext") or {}).get("capabilities") or {}).get(field) or [])
    ]


@explains(
    "adding NET_BIND_SERVICE alone is what the restricted Pod Security Standard allows; harden reports "
    "other added capabilities"
)
def _net_bind_service(check, side, key, cx):
    added = capabilities(cx, key, "add")
    return check == "CKV_K8S_25" and side == "checkov only" and bool(added) and all(
        a.upper().removeprefix("CAP_") == "NET_BIND_SERVICE" for a in added
    )


@explains("container runtimes read `all` in `capabilities.drop` in any case; checkov accepts only `ALL`")
def _drop_all_case(check, side, key, cx):
    return check in ("CKV_K8S_28", "CKV_K8S_37") and side == "checkov only" and any(
        d.upper() == "ALL" for d in capabilities(cx, key, "drop")
    )


@explains("adding capability ALL adds SYS_ADMIN with the rest")
def _add_all(check, side, key, cx):
    return check == "CKV_K8S_39" and side == "harden only" and any(
        "adds capability ALL" in m for m in harden_messages(cx, key)
    )


@explains("a hostPath of `/` (or another parent) holds the runtime socket; checkov matches the socket path only")
def _socket_parent(check, side, key, cx):
    return check == "CKV_K8S_27" and side == "harden only" and any(
        "which holds container runtime socket" in m for m in harden_messages(cx, key)
    )


@explains("an empty securityContext sets nothing; harden reports it as it reports a missing one")
def _empty_security_context(check, side, key, cx):
    return side == "harden only" and any(re.search(r"has an empty .*securityContext", m) for m in harden_messages(cx, key))


@explains("a container's seccomp profile overrides the pod's: Unconfined on the container wins over the pod's default")
def _container_seccomp(check, side, key, cx):
    return check == "CKV_K8S_31" and side == "harden only" and any(
        "seccomp profile to Unconfined" in m for m in harden_messages(cx, key)
    )


@explains("a sha256 digest has 64 hex digits: a shorter one pins nothing and the registry rejects the reference")
def _bad_digest(check, side, key, cx):
    return check == "CKV_K8S_43" and side == "harden only" and any(
        "digest is incomplete or malformed" in m for m in harden_messages(cx, key)
    )


@explains(
    "`app.kubernetes.io/managed-by: Tiller` marks a release that Helm v2 installed, not the Tiller service; "
    "harden reports the Service that exposes Tiller"
)
def _tiller_label(check, side, key, cx):
    return check == "CKV_K8S_44" and side == "checkov only" and "tiller" not in key[2].lower()


@explains("`bind` means something on roles and clusterroles only: on rolebindings it grants nothing")
def _bind_on_bindings(check, side, key, cx):
    obj = parsed(cx, key) or {}
    rules = obj.get("rules") if isinstance(obj, dict) else None
    return check == "CKV_K8S_157" and side == "checkov only" and isinstance(rules, list) and not any(
        isinstance(r, dict)
        and "bind" in (r.get("verbs") or []) + ["*" for v in (r.get("verbs") or []) if v == "*"]
        and set(r.get("resources") or []) & {"roles", "clusterroles", "*"}
        for r in rules
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


@explains(
    "the Role or ClusterRole this binding names, in the same folder, grants no such right as harden reads it "
    "(a namespaced Role cannot grant cluster-scoped nodes/proxy; services/status lives in the core API "
    "group); checkov joins the binding to a same-named role of another folder of the corpus"
)
def _rbac_other_role(check, side, key, cx):
    if not (check.startswith("CKV2_K8S_") and side == "checkov only" and key[1].endswith("Binding")):
        return False
    obj = parsed(cx, key) or {}
    ref = (obj.get("roleRef") or {}).get("name") if isinstance(obj, dict) else None
    folder = os.path.dirname(key[0])
    return any(
        os.path.dirname(k[0]) == folder and k[1] in ("Role", "ClusterRole") and k[2] == ref for k in cx["code"]
    )


@explains("checkov passes init containers; harden asks the same of every container a pod runs")
def _init_containers(check, side, key, cx):
    said = harden_messages(cx, key)
    return side == "harden only" and bool(said) and all(m.startswith("init container") for m in said)


@explains(
    "the retention flags default to 0, which keeps audit logs without limit; harden reports only a "
    "written value below the benchmark's"
)
def _audit_retention_default(check, side, key, cx):
    flag = {"CKV_K8S_92": "--audit-log-maxage", "CKV_K8S_93": "--audit-log-maxbackup", "CKV_K8S_94": "--audit-log-maxsize"}
    text = cx["code"].get(key, "")
    return check in flag and side == "checkov only" and "--audit-log-path" in text and flag[check] not in text


@explains("the flag takes any file name; checkov requires one ending in `.pem`")
def _pem(check, side, key, cx):
    flag = {"CKV_K8S_97": "service-account-key-file", "CKV_K8S_110": "service-account-private-key-file",
            "CKV_K8S_111": "root-ca-file"}.get(check)
    match = flag and re.search(r"--" + flag + r"=(\S+)", cx["code"].get(key, ""))
    return side == "checkov only" and bool(match) and not match.group(1).strip("'\"").endswith(".pem")


@explains(
    "CIS asks for --event-qps 0 (no limit) or a level that captures events: harden reports a limit low "
    "enough to drop events; checkov fails any value above 5 and passes lower ones"
)
def _event_qps(check, side, key, cx):
    return check == "CKV_K8S_147"


@explains("an AdmissionConfiguration enables nothing by itself: harden checks --enable-admission-plugins on kube-apiserver")
def _admission_configuration(check, side, key, cx):
    return check == "CKV_K8S_78" and key[1] == "AdmissionConfiguration"


@explains(
    "with `hostUsers: false` the container's root is an unprivileged user on the host; Pod Security "
    "relaxes its run-as-non-root control for such pods"
)
def _user_namespace(check, side, key, cx):
    spec = pod_spec(parsed(cx, key)) or {}
    return check in ("CKV_K8S_23", "CKV_K8S_40") and side == "checkov only" and spec.get("hostUsers") is False


@explains("binding the group system:serviceaccounts binds every default ServiceAccount with the rest")
def _all_service_accounts(check, side, key, cx):
    return check == "CKV_K8S_42" and side == "harden only" and any(
        "system:serviceaccounts" in m for m in harden_messages(cx, key)
    )


@explains("checkov's CKV_K8S_49 inspects only the first rule of a role; harden reads every rule")
def _first_rule_only(check, side, key, cx):
    obj = parsed(cx, key) or {}
    rules = obj.get("rules") if isinstance(obj, dict) else None
    if check != "CKV_K8S_49" or side != "harden only" or not isinstance(rules, list) or not rules:
        return False
    first = rules[0] if isinstance(rules[0], dict) else {}
    return "*" not in [v for field in ("apiGroups", "resources", "verbs") for v in (first.get(field) or [])]


@explains(
    "a ServiceAccount of this name and namespace in the run turns automounting off for the pods that use "
    "it (the shared corpus is one run, so accounts of unrelated projects with the same name count too)"
)
def _same_named_account(check, side, key, cx):
    if check != "CKV_K8S_38" or side != "checkov only":
        return False
    obj = parsed(cx, key) or {}
    namespace = (obj.get("metadata") or {}).get("namespace") if isinstance(obj, dict) else None
    spec = pod_spec(obj) or {}
    account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    for other in cx["code"]:
        if other[1] == "ServiceAccount" and other[2] == account:
            sa = parsed(cx, other) or {}
            if isinstance(sa, dict) and sa.get("automountServiceAccountToken") is False and (
                sa.get("metadata") or {}
            ).get("namespace") == namespace:
                return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=os.path.join(HERE, "..", "shared", "corpus", "k8s"))
    parser.add_argument("--harden", default=os.path.join(HERE, "target", "release", "harden"))
    parser.add_argument("--checkov")
    parser.add_argument("--checkov-json")
    parser.add_argument("--show-explained", action="store_true", help="list explained differences too")
    parser.add_argument(
        "--verbose", action="store_true", help="with each unexplained difference, what harden's mapped rules said"
    )
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
                    if args.verbose:
                        said = harden_messages(cx, key) or ["(nothing)"]
                        row += "".join(f"\n    harden: {m}" for m in said)
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
    print()
    print("By reason:")
    by_reason = collections.Counter()
    for (_, _, reason), count in explained.items():
        by_reason[reason] += count
    for reason, count in by_reason.most_common():
        print(f"  {count:>5}  {reason}")
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
