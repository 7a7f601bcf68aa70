#!/usr/bin/env python3
"""Writes the field schema that the `schema-valid` rule checks objects against.

The Kubernetes Python client is generated from the Kubernetes OpenAPI
specification: each model class lists its fields with their JSON names and
types, and each API class the paths, hence the group and version, of the
objects it creates. This script reads those and writes one compact JSON file:

    {"source": ..., "kinds": {"apps/v1/Deployment": "V1Deployment", ...},
     "types": {"V1Deployment": {"spec": "V1DeploymentSpec", ...}, ...}}

A field type is `string`, `integer`, `number`, `boolean`, `quantity` (a
string or a number), `any`, a model name, `[T]` (a list) or `{T}` (a map).
`status` is `any`: manifests may carry it and the API server ignores it.

    python3 -m venv /tmp/k8s && /tmp/k8s/bin/pip install kubernetes==37.0.2
    /tmp/k8s/bin/python scripts/gen-k8s-schema.py > src/k8s/schema.json
"""

import inspect
import json
import re
import sys

import kubernetes
import kubernetes.client as client

# Fields typed `Dict[str, str]` in the client whose values are resource
# quantities, which the API server reads from numbers too (`cpu: 1`).
QUANTITIES = {
    ("V1ResourceRequirements", "limits"),
    ("V1ResourceRequirements", "requests"),
    ("V1VolumeResourceRequirements", "limits"),
    ("V1VolumeResourceRequirements", "requests"),
    ("V1LimitRangeItem", "default"),
    ("V1LimitRangeItem", "default_request"),
    ("V1LimitRangeItem", "max"),
    ("V1LimitRangeItem", "min"),
    ("V1LimitRangeItem", "max_limit_request_ratio"),
    ("V1ResourceQuotaSpec", "hard"),
    ("V1PersistentVolumeSpec", "capacity"),
    ("V1PodSpec", "overhead"),
    ("V1Overhead", "pod_fixed"),
    ("V1CapacityRequirements", "requests"),
    ("V1beta1CapacityRequirements", "requests"),
    ("V1beta2CapacityRequirements", "requests"),
}
# Scalar fields typed `str` whose values are quantities.
SCALAR_QUANTITIES = {
    ("V1EmptyDirVolumeSource", "size_limit"),
    ("V2MetricTarget", "average_value"),
    ("V2MetricTarget", "value"),
    ("V2MetricValueStatus", "average_value"),
    ("V2MetricValueStatus", "value"),
    ("V1CSIStorageCapacity", "capacity"),
    ("V1CSIStorageCapacity", "maximum_volume_size"),
    ("V1NodeAllocatableMappedResources", "quantity"),
    ("V1NodeAllocatableOverhead", "per_container"),
    ("V1NodeAllocatableOverheadResources", "per_container"),
    ("V1NodeAllocatableOverheadResources", "per_pod"),
    ("V1beta1NodeAllocatableOverhead", "per_container"),
    ("V1beta2NodeAllocatableOverhead", "per_container"),
}


def type_ref(owner, field, text, wanted):
    text = text.strip()
    list_of = re.fullmatch(r"List\[(.+)\]", text)
    if list_of:
        return "[" + type_ref(owner, field, list_of.group(1), wanted) + "]"
    map_of = re.fullmatch(r"Dict\[str, (.+)\]", text)
    if map_of:
        inner = type_ref(owner, field, map_of.group(1), wanted)
        if (owner, field) in QUANTITIES:
            inner = "quantity"
        return "{" + inner + "}"
    if (owner, field) in SCALAR_QUANTITIES:
        return "quantity"
    scalar = {
        "str": "string",
        "int": "integer",
        "float": "number",
        "bool": "boolean",
        "object": "any",
        "datetime": "string",
        "date": "string",
        "bytearray": "string",
        "bytes": "string",
    }.get(text)
    if scalar:
        return scalar
    if hasattr(client, text):
        wanted.append(text)
        return text
    sys.exit(f"unknown type {text!r} of {owner}.{field}")


def kinds():
    """`group/version/Kind` -> model name, for every object an API class creates."""
    found = {}
    for api_name in sorted(n for n in dir(client) if re.fullmatch(r"[A-Z]\w*V\d\w*Api", n)):
        api = getattr(client, api_name)
        source = inspect.getsource(api)
        for name, method in sorted(inspect.getmembers(api, inspect.isfunction)):
            if not re.fullmatch(r"create_(namespaced_)?\w+", name) or name.endswith("_with_http_info"):
                continue
            body = inspect.signature(method).parameters.get("body")
            model = getattr(body, "annotation", None)
            model = getattr(model, "__name__", str(model))
            serialize = re.search(
                r"def _" + name + r"_serialize\(.*?resource_path='([^']+)'", source, re.S
            )
            if not serialize or not hasattr(client, model):
                continue
            path = serialize.group(1)
            match = re.match(r"/api/(v1)/|/apis/([^/]+)/([^/]+)/", path)
            if not match:
                continue
            group_version = match.group(1) or f"{match.group(2)}/{match.group(3)}"
            # `V1Deployment`, `V2HorizontalPodAutoscaler`, `CoreV1Event`.
            kind = re.sub(r"^(?:[A-Z][a-z]+)*?V\d+(?:alpha\d+|beta\d+)?(?=[A-Z])", "", model)
            # Sub-resources (Eviction, TokenRequest, Scale) are created
            # through another object's path: keep only top-level kinds.
            if "{name}" in path:
                continue
            found.setdefault(f"{group_version}/{kind}", model)
    return found


def main():
    roots = kinds()
    types = {}
    wanted = sorted(set(roots.values()))
    while wanted:
        name = wanted.pop()
        if name in types:
            continue
        model = getattr(client, name)
        fields = {}
        for field, text in sorted(model.openapi_types.items()):
            json_name = model.attribute_map[field]
            if json_name == "status":
                fields[json_name] = "any"
                continue
            more = []
            fields[json_name] = type_ref(name, field, text, more)
            wanted.extend(m for m in more if m not in types)
        types[name] = fields
    out = {
        "source": f"Kubernetes Python client {kubernetes.__version__}",
        "kinds": dict(sorted(roots.items())),
        "types": dict(sorted(types.items())),
    }
    json.dump(out, sys.stdout, separators=(",", ":"), sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
