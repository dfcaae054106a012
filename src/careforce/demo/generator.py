"""The demo region generator: a fictional health board area written as the files users import.

`generate_region` builds the region in memory from the calibration (`region.build_region`) and
writes it out: localities and organisations, one NHS ESR extract, social care provider returns
grouped by the council area of each provider's base, the volunteer return, vacancies, training
records and approvals (in import order), plus the population by single year of age, a copy of the
calibration used, and the model inputs that read them (`model_inputs`: the service specification,
a WISN file and the default competency framework as an editable file). The same seed and
calibration give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from careforce.demo.calibration import Calibration, bundled_calibration_text, load_calibration
from careforce.demo.model_inputs import write_model_inputs
from careforce.demo.region import DEFAULT_SEED, build_region
from careforce.demo.sampling import stream
from careforce.demo.writers import source_tables, write_csv, write_source

__all__ = ["DEFAULT_SEED", "DemoManifest", "generate_region"]


@dataclass(frozen=True, slots=True)
class DemoManifest:
    """What was written: source files in import order as (kind, path), and the other files."""

    out_dir: Path
    seed: int
    census_date: dt.date
    base_year: int
    files: tuple[tuple[str, Path], ...]  # (kind, path) of each source file, in import order
    population_path: Path
    calibration_path: Path
    services_path: Path  # the service specification, reading population_path
    wisn_path: Path  # WISN inputs of the community mental health team nurses
    framework_path: Path  # the default competency framework as an editable file
    baseline_path: Path  # the baseline scenario (TOML) read by `careforce project`
    alternative_paths: tuple[Path, ...]  # alternatives extending the baseline


def generate_region(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    calibration: Calibration | None = None,
    excel: bool = True,
) -> DemoManifest:
    """Build the demo region and write its files into `out_dir` (created if need be).

    With `excel` the NHS extract is an .xlsx workbook, as ESR reports usually are; else a .csv.
    """
    cal = calibration or load_calibration()
    region = build_region(cal, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for kind, name, table in source_tables(region, stream(seed, "gaps")):
        if kind == "esr" and excel:
            name = name.removesuffix(".csv") + ".xlsx"
        write_source(table, out_dir / name)
        files.append((kind, out_dir / name))
    population_path = out_dir / "population.csv"
    write_csv(region.population, population_path)
    calibration_path = out_dir / "calibration.yaml"
    text = (
        bundled_calibration_text()
        if calibration is None
        else yaml.safe_dump(cal.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    )
    calibration_path.write_text(text, encoding="utf-8")
    model_inputs = write_model_inputs(out_dir, cal)
    return DemoManifest(
        out_dir=out_dir,
        seed=seed,
        census_date=cal.census_date,
        base_year=cal.region.base_year.value,
        files=tuple(files),
        population_path=population_path,
        calibration_path=calibration_path,
        services_path=model_inputs.services_path,
        wisn_path=model_inputs.wisn_path,
        framework_path=model_inputs.framework_path,
        baseline_path=model_inputs.baseline_path,
        alternative_paths=model_inputs.alternative_paths,
    )
