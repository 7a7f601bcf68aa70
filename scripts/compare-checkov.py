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
    """check id -> set of (file, kind, name) that fail it; and all resources seen."""
    reports = report if isinstance(report, list) else [report]
    failed = collections.defaultdict(set)
    seen = set()
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
                if outcome == "failed_checks":
                    failed[check["check_id"]].add(key)
    return failed, seen


def harden_findings(binary, directory):
    """rule -> set of (file, kind, name)"""
    out = subprocess.run(
        [binary, "lint", directory, "--select", "all", "--format", "json", "--exit-zero"],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    if out.returncode != 0:
        sys.exit(f"harden failed ({out.returncode}): {out.stderr}")
    fired = collections.defaultdict(set)
    for finding in json.loads(out.stdout)["findings"]:
        if not finding["object"]:
            continue
        parts = finding["object"].split("/")
        kind, name = parts[0], parts[-1]
        fired[finding["rule"]].add(resource_key(os.path.join(HERE, finding["path"]), kind, name))
    return fired


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=os.path.join(HERE, "..", "shared", "corpus", "k8s"))
    parser.add_argument("--harden", default=os.path.join(HERE, "target", "release", "harden"))
    parser.add_argument("--checkov")
    parser.add_argument("--checkov-json")
    args = parser.parse_args()
    directory = os.path.abspath(args.dir)

    report = checkov_report(ensure_checkov(args.checkov), directory, args.checkov_json)
    failed, seen = checkov_failures(report, directory)
    fired = harden_findings(args.harden, directory)
    rules = json.loads(
        subprocess.run([args.harden, "rules", "--format", "json"], capture_output=True, text=True).stdout
    )
    by_check = collections.defaultdict(list)
    for rule in rules:
        for check in rule.get("equivalents", {}).get("checkov", []):
            if "_K8S_" in check:
                by_check[check].append(rule["id"])

    print(f"{'checkov check':14} {'harden rules':50} {'both':>5} {'checkov only':>13} {'harden only':>12}")
    details = []
    for check in sorted(by_check, key=lambda c: (len(c), c)):
        ours = set().union(*(fired.get(r, set()) for r in by_check[check]))
        theirs = failed.get(check, set())
        # Only resources checkov evaluated for this check can disagree with it.
        evaluated = {key for (c, key) in seen if c == check}
        harden_only = {k for k in ours - theirs if k in evaluated}
        checkov_only = theirs - ours
        print(
            f"{check:14} {','.join(by_check[check])[:50]:50} {len(ours & theirs):>5} "
            f"{len(checkov_only):>13} {len(harden_only):>12}"
        )
        for key in sorted(checkov_only):
            details.append(f"{check}: checkov only: {os.path.relpath(key[0], HERE)} {key[1]}/{key[2]}")
        for key in sorted(harden_only):
            details.append(f"{check}: harden only: {os.path.relpath(key[0], HERE)} {key[1]}/{key[2]}")
    if details:
        print()
        print("\n".join(details))


if __name__ == "__main__":
    main()
