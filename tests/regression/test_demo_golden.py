"""The demo's figures under its fixed seed match the reviewed baseline (see demo_golden.py)."""

import json

import pytest
from demo_golden import GOLDEN, demo_figures


def test_demo_workforce_matches_the_baseline(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREFORCE_SECRET_FILE", str(tmp_path) + "/secret.key")
    expected = json.loads(GOLDEN.read_text())
    assert demo_figures() == expected, "demo figures moved: review, then `make golden`"
