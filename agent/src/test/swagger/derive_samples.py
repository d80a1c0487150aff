#!/usr/bin/env python3
"""Derives, from the Docker Engine API's swagger (moby/moby api/docs/v1.47.yaml, which is NOT
committed here), every property path of the request bodies orch accepts, each with a sample value
that is not Docker's default. SwaggerRoundTripTest posts bodies built from them and checks that
each comes back unchanged from inspect or is refused with a 400 naming it.

    git -C <moby clone> show v27.5.1:api/docs/v1.47.yaml > /tmp/v1.47.yaml
    python3 derive_samples.py /tmp/v1.47.yaml > ../resources/io/orch/agent/api/swagger-1.47-samples.txt

Output, one line per leaf property: SCHEMA <TAB> PATH <TAB> JSON sample. A list of objects appears
in a path as Name[]; a map (additionalProperties) as a leaf with a one-entry object. Read-only and
deprecated properties are left out (a client never sends the former; the latter are listed with
their replacement, e.g. ServiceSpec.Networks, handled separately).
"""
import json
import sys

import yaml

BODIES = {
    "ServiceSpec": "#/definitions/ServiceSpec",
    "SwarmSpec": "#/definitions/SwarmSpec",
    "SecretSpec": "#/definitions/SecretSpec",
    "ConfigSpec": "#/definitions/ConfigSpec",
    "NetworkCreateRequest": None,  # inline in POST /networks/create
}
MAX_DEPTH = 8


def resolve(swagger, schema):
    seen = 0
    while "$ref" in schema and seen < 20:
        name = schema["$ref"].split("/")[-1]
        merged = dict(swagger["definitions"][name])
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        merged.update(extra)
        schema = merged
        seen += 1
    if "allOf" in schema:
        parts = [resolve(swagger, part) for part in schema["allOf"]]
        if len(parts) == 1:
            return parts[0]  # a described reference (Mount.Type: allOf [MountType])
        out = {"type": "object", "properties": {}}
        for part in parts:
            out["properties"].update(part.get("properties", {}))
        return out
    return schema


def sample(schema):
    """A value that is not the default: the second enum value (the first is usually the default)."""
    enum = schema.get("enum")
    if enum:
        values = [v for v in enum if v not in ("", None) and v != schema.get("default")]
        if not values:
            return None
        return values[1] if len(values) > 1 else values[0]
    kind = schema.get("type")
    if kind == "boolean":
        return not schema.get("default", False)
    if kind == "integer":
        return 7
    if kind == "number":
        return 0.5
    if kind == "string":
        return "sample"
    return None


def walk(swagger, schema, path, depth, out):
    schema = resolve(swagger, schema)
    if schema.get("readOnly") or "deprecated" in str(schema.get("description", "")).lower()[:40]:
        return
    kind = schema.get("type")
    props = schema.get("properties")
    if props and depth < MAX_DEPTH:
        for name, sub in props.items():
            walk(swagger, sub, f"{path}.{name}" if path else name, depth + 1, out)
        return
    if kind == "object" and "additionalProperties" not in schema:
        out.append((path, {}))  # a marker object ("Global": {}): its presence is the value
        return
    if kind == "object" or "additionalProperties" in schema:
        values = schema.get("additionalProperties")
        values = resolve(swagger, values) if isinstance(values, dict) else {"type": "string"}
        if values.get("properties"):
            return  # a map of objects: none in these bodies
        out.append((path, {"key1": sample(values) if sample(values) is not None else "sample"}))
        return
    if kind == "array":
        items = resolve(swagger, schema.get("items", {}))
        if items.get("properties") and depth < MAX_DEPTH:
            walk(swagger, items, path + "[]", depth + 1, out)
        elif sample(items) is not None:
            out.append((path, [sample(items)]))
        return
    value = sample(schema)
    if value is not None:
        out.append((path, value))


def main():
    swagger = yaml.safe_load(open(sys.argv[1]))
    print("# Derived by agent/src/test/swagger/derive_samples.py from the Docker Engine API swagger v1.47")
    print("# (moby/moby api/docs/v1.47.yaml). SCHEMA<TAB>PATH<TAB>JSON sample. Do not edit: derive again.")
    for body, ref in BODIES.items():
        if ref:
            schema = {"$ref": ref}
        else:
            params = swagger["paths"]["/networks/create"]["post"]["parameters"]
            schema = next(p["schema"] for p in params if p.get("in") == "body")
        out = []
        walk(swagger, schema, "", 0, out)
        for path, value in out:
            print(f"{body}\t{path}\t{json.dumps(value)}")


if __name__ == "__main__":
    main()
