"""The demo region's calibration: a readable YAML file of figures, each with its source or basis.

`load_calibration` reads the bundled `data/calibration.yaml` (or a planner's edited copy) into frozen,
validated models. Unknown keys are refused, and every error names its path in the file
(`nhs.staff_groups.nmhv.roles`), so a planner can find and fix it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, ValidationError, model_validator

from careforce.demo.figures import Figure, Strict, ends_with_catch_all, first_match, parse_band
from careforce.demo.sections import (
    AgeProfile,
    DataGaps,
    DualPosts,
    Equality,
    Flows,
    LeaverClass,
    MentalHealth,
    Nhs,
    Organisations,
    PopulationShape,
    Region,
    SocialCare,
    Training,
    Vacancies,
    Volunteering,
)
from careforce.domain import UserError

__all__ = [
    "Calibration",
    "Figure",
    "first_match",
    "load_calibration",
    "parse_band",
    "parse_calibration",
]


class Calibration(Strict):
    """Everything the demo generator draws from: one validated, frozen value."""

    version: Literal[1]
    region: Region
    population: PopulationShape
    organisations: Organisations
    nhs: Nhs
    social_care: SocialCare
    mental_health: MentalHealth
    volunteering: Volunteering
    flows: Flows
    age_profiles: Annotated[tuple[AgeProfile, ...], AfterValidator(ends_with_catch_all)]
    leavers: Annotated[tuple[LeaverClass, ...], AfterValidator(ends_with_catch_all)]
    equality: Equality
    data_gaps: DataGaps
    dual_posts: DualPosts
    vacancies: Vacancies
    training: Training

    @model_validator(mode="after")
    def _areas_known(self) -> Calibration:
        areas = {a.code for a in self.region.areas}
        used = {
            "nhs.organisation.area": {self.nhs.organisation.area},
            "nhs.hospital_site_areas": set(self.nhs.hospital_site_areas.value),
            "organisations.volunteer_involving": {
                o.area for o in self.organisations.volunteer_involving
            },
        }
        for path, codes in used.items():
            unknown = sorted(codes - areas)
            if unknown:
                raise ValueError(
                    f"{path}: unknown area {', '.join(unknown)}; areas are {', '.join(sorted(areas))}"
                )
        return self

    @property
    def census_date(self) -> dt.date:
        return self.region.census_date.value

    @property
    def total_population(self) -> int:
        return sum(a.population.value for a in self.region.areas)


def _describe(error: ValidationError, name: str) -> str:
    lines = []
    for e in error.errors():
        path = ".".join(str(p) for p in e["loc"])
        lines.append(f"  {path or '(top level)'}: {e['msg']}")
    return f"{name}: the calibration is not valid:\n" + "\n".join(lines)


def parse_calibration(text: str, name: str = "calibration.yaml") -> Calibration:
    """Validate calibration YAML text; a UserError lists every problem by its path."""
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise UserError(f"{name}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise UserError(f"{name}: the calibration must be a YAML mapping")
    try:
        return Calibration.model_validate(raw)
    except ValidationError as e:
        raise UserError(_describe(e, name)) from None


def bundled_calibration_text() -> str:
    return resources.files("careforce.demo.data").joinpath("calibration.yaml").read_text("utf-8")


@cache
def _bundled() -> Calibration:
    return parse_calibration(bundled_calibration_text())


def load_calibration(path: Path | None = None) -> Calibration:
    """The bundled calibration, or a planner's edited copy at `path`."""
    if path is None:
        return _bundled()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot read the calibration file {path}: {e.strerror}") from None
    return parse_calibration(text, str(path))
