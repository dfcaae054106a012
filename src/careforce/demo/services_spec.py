"""The demo region's model inputs bundled with careforce: its service specification and WISN file.

`data/services.yaml` describes the services of the fictional Gwennol area in the service
specification format (docs/design/demand.md), every figure with its source or basis;
`data/wisn_cmht.yaml` holds the WISN inputs of its community mental health team nurses.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["bundled_services_text", "bundled_wisn_text"]

DATA = "careforce.demo.data"


def bundled_services_text() -> str:
    """The demo region's service specification (YAML text)."""
    return resources.files(DATA).joinpath("services.yaml").read_text("utf-8")


def bundled_wisn_text() -> str:
    """The WISN file of the demo region's community mental health team nurses (YAML text)."""
    return resources.files(DATA).joinpath("wisn_cmht.yaml").read_text("utf-8")


def bundled_baseline_text() -> str:
    """The demo region's baseline scenario (TOML text), read by `careforce project`."""
    return bundled_scenario_text("baseline.toml")


def bundled_scenario_text(name: str) -> str:
    """One of the demo region's scenario files (TOML text) by its file name."""
    return resources.files(DATA).joinpath(name).read_text("utf-8")
