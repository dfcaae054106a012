"""Fixtures of the integration tests: the demo region imported into a store of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from careforce.demo.generator import generate_region
from careforce.services.importing import import_file
from careforce.services.secret import ensure_secret
from careforce.store.database import make_engine
from careforce.store.migrate import upgrade


@pytest.fixture(scope="module")
def demo_baseline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo region imported into its own store (one per test module), and the path of its
    baseline scenario."""
    folder = tmp_path_factory.mktemp("demo_region")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREFORCE_SECRET_FILE", str(folder / "secret.key"))
        ensure_secret()
        manifest = generate_region(folder / "inputs")
        url = f"sqlite:///{folder / 'careforce.sqlite'}"
        engine = make_engine(url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        for kind, path in manifest.files:
            import_file(kind, path, url)
        yield manifest.baseline_path
