"""The published JSON Schema of the service specification matches the models that read it."""

from __future__ import annotations

import json
from pathlib import Path

from careforce.specification.json_schema import SCHEMA_FILE, service_spec_json_schema_text

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = (
    ".venv/bin/python -m careforce.specification.json_schema > docs/schemas/service-spec.v1.json"
)


def test_the_committed_schema_is_current() -> None:
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == service_spec_json_schema_text(), (
        f"{SCHEMA_FILE} is stale: run `{REGENERATE}`"
    )


def test_the_schema_refuses_unknown_keys_and_names_every_driver() -> None:
    schema = json.loads(service_spec_json_schema_text())
    assert schema["additionalProperties"] is False
    definitions = schema["$defs"]
    assert all(
        d.get("additionalProperties") is False
        for d in definitions.values()
        if d.get("type") == "object"
    )
    driver = definitions["Service"]["properties"]["driver"]
    assert sorted(driver["discriminator"]["mapping"]) == [
        "arrivals",
        "caseload",
        "places",
        "population",
    ]
    share = definitions["UncertainShare"]["oneOf"]
    assert [alternative["type"] for alternative in share] == ["number", "array", "object"]
