"""The published JSON Schema of the service specification (schema version 1).

Generated from the pydantic models, so the schema and the reader cannot drift apart; the committed
copy at `docs/schemas/service-spec.v1.json` is checked current by the tests. Regenerate with

    .venv/bin/python -m careforce.specification.json_schema > docs/schemas/service-spec.v1.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from careforce.sampling import Kind
from careforce.specification.service_spec import SCHEMA_VERSION, ServiceSpec, uncertain_schema

SCHEMA_FILE = f"docs/schemas/service-spec.v{SCHEMA_VERSION}.json"


_UNCERTAIN_NAMES = {
    Kind.SHARE: "UncertainShare",
    Kind.POSITIVE: "UncertainPositive",
    Kind.SIGNED: "UncertainSigned",
}


def _shared_uncertain(node: Any, found: dict[str, dict[str, Any]]) -> Any:
    """The schema with each uncertain value's alternatives as a reference to one definition."""
    if isinstance(node, list):
        return [_shared_uncertain(item, found) for item in node]
    if not isinstance(node, dict):
        return node
    for kind, name in _UNCERTAIN_NAMES.items():
        shared = uncertain_schema(kind)
        if node.get("oneOf") == shared["oneOf"]:
            found[name] = shared
            rest = {k: v for k, v in node.items() if k not in shared}
            return {"$ref": f"#/$defs/{name}", **rest}
    return {key: _shared_uncertain(value, found) for key, value in node.items()}


def service_spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a service specification file."""
    found: dict[str, dict[str, Any]] = {}
    schema = _shared_uncertain(ServiceSpec.model_json_schema(mode="validation"), found)
    schema["$defs"] = {**schema.get("$defs", {}), **found}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "description": "A careforce service specification (YAML or JSON): the services of a "
        "region, what drives each and the work it takes (docs/design/demand.md).",
        **schema,
    }


def service_spec_json_schema_text() -> str:
    """The schema as the committed file holds it: sorted keys, two-space indent, final newline."""
    return (
        json.dumps(service_spec_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )


def main() -> None:
    sys.stdout.write(service_spec_json_schema_text())


if __name__ == "__main__":
    main()
