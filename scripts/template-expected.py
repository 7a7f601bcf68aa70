#!/usr/bin/env python3
"""Regenerates testdata/template/expected.json: what real Helm renders, or the
error text it gives, for each case of testdata/template/cases.txt.

Each case (a block starting `=== name`) becomes templates/t.yaml of a chart
named `c` whose values.yaml is testdata/template/values.json; Helm renders it
as `helm template` would (release `release-name`, namespace `default`).

Needs the helm-python-sdk package, which embeds Helm's Go library:
    python3 -m venv target/tools/helmsdk
    target/tools/helmsdk/bin/pip install helm-python-sdk
    target/tools/helmsdk/bin/python scripts/template-expected.py
"""
import json
import os
import shutil
import tempfile

import helm_python as helm

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "template")


def cases(path):
    out, cur = [], None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("=== "):
            cur = [line[4:].strip(), []]
            out.append(cur)
        elif cur is not None:
            cur[1].append(line)
    return [(name, "\n".join(lines).rstrip("\n")) for name, lines in out]


def render(body, values):
    root = tempfile.mkdtemp()
    try:
        chart = os.path.join(root, "c")
        os.makedirs(os.path.join(chart, "templates"))
        with open(os.path.join(chart, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
        with open(os.path.join(chart, "values.yaml"), "w") as f:
            f.write(values)
        with open(os.path.join(chart, "templates", "t.yaml"), "w", encoding="utf-8") as f:
            f.write(body)
        try:
            with helm.Chart.load(chart) as c:
                r = c.render({}, name="release-name", namespace="default", revision=1, is_install=True)
            return {"out": r.get("c/templates/t.yaml", "")}
        except Exception as e:  # Helm's error text is the expectation
            return {"err": str(e)}
    finally:
        shutil.rmtree(root)


def main():
    values = open(os.path.join(HERE, "values.json")).read()
    expected = {name: render(body, values) for name, body in cases(os.path.join(HERE, "cases.txt"))}
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)


if __name__ == "__main__":
    main()
