"""The model inputs written beside the demo region's source files.

`services.yaml` (the region's service specification, reading `population.csv` in the same folder),
`wisn_cmht.yaml` (WISN inputs of its community mental health team nurses), `framework.yaml` (the
default competency framework as one editable file) and `scenarios/` (the baseline and two
alternatives that extend it). Users edit these copies and run `careforce demand`, `careforce wisn`,
`careforce framework validate`, `careforce run` and `careforce compare` on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from careforce.demo.calibration import Calibration
from careforce.demo.services_spec import (
    bundled_baseline_text,
    bundled_scenario_text,
    bundled_services_text,
    bundled_wisn_text,
)
from careforce.framework.export import default_framework_text

__all__ = ["ModelInputs", "services_text_for", "write_model_inputs"]

SERVICES_FILE = "services.yaml"
WISN_FILE = "wisn_cmht.yaml"
FRAMEWORK_FILE = "framework.yaml"
BASELINE_FILE = "scenarios/baseline.toml"
ALTERNATIVE_FILES = ("scenarios/grow_training.toml", "scenarios/delegate_and_upskill.toml")


@dataclass(frozen=True, slots=True)
class ModelInputs:
    services_path: Path
    wisn_path: Path
    framework_path: Path
    baseline_path: Path
    alternative_paths: tuple[Path, ...]  # scenarios extending the baseline


def _set_top_level(text: str, key: str, value: int) -> str:
    """The text with the top-level `key: number` set to `value`, keeping the line's comment."""
    return re.sub(rf"(?m)^{key}: \d+", f"{key}: {value}", text, count=1)


def services_text_for(cal: Calibration) -> str:
    """The bundled service specification, its horizon set to the calibration's base year and
    projection years (the bundled text itself when they agree, as with the bundled calibration)."""
    text = _set_top_level(bundled_services_text(), "base_year", cal.region.base_year.value)
    return _set_top_level(text, "years", cal.region.projection_years.value + 1)


def write_model_inputs(out_dir: Path, cal: Calibration) -> ModelInputs:
    """Write the three model input files into `out_dir`, beside `population.csv`."""
    files = {
        SERVICES_FILE: services_text_for(cal),
        WISN_FILE: bundled_wisn_text(),
        FRAMEWORK_FILE: default_framework_text(),
        BASELINE_FILE: bundled_baseline_text(),
        **{name: bundled_scenario_text(Path(name).name) for name in ALTERNATIVE_FILES},
    }
    for name, text in files.items():
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_text(text, encoding="utf-8")
    return ModelInputs(
        services_path=out_dir / SERVICES_FILE,
        wisn_path=out_dir / WISN_FILE,
        framework_path=out_dir / FRAMEWORK_FILE,
        baseline_path=out_dir / BASELINE_FILE,
        alternative_paths=tuple(out_dir / name for name in ALTERNATIVE_FILES),
    )
