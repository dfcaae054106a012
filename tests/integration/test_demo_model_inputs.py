"""The demo region's model inputs: the service specification, the WISN file and the framework file
written beside its source files, each readable by the command that takes it."""

from __future__ import annotations

import pytest
import yaml

from careforce.demo.calibration import load_calibration
from careforce.demo.generator import DemoManifest, generate_region
from careforce.demo.model_inputs import services_text_for
from careforce.demo.services_spec import bundled_services_text, bundled_wisn_text
from careforce.framework.export import default_framework_text
from careforce.framework.loader import default_framework, load_framework
from careforce.services.demand import compute_demand
from careforce.services.methods import wisn_from_file
from careforce.specification.population import read_population
from careforce.specification.service_loader import load_service_spec

SEED = 20261123
FW = default_framework()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate_region(tmp_path_factory.mktemp("demo"), seed=SEED, excel=False)


def test_the_three_files_are_written_beside_the_population(manifest: DemoManifest) -> None:
    for path in (manifest.services_path, manifest.wisn_path, manifest.framework_path):
        assert path.exists() and path.parent == manifest.population_path.parent
    assert manifest.services_path.read_text(encoding="utf-8") == bundled_services_text()
    assert manifest.wisn_path.read_text(encoding="utf-8") == bundled_wisn_text()
    assert manifest.framework_path.read_text(encoding="utf-8") == default_framework_text()
    listed = {p for _, p in manifest.files}
    assert not listed & {manifest.services_path, manifest.wisn_path, manifest.framework_path}


def test_the_framework_file_reads_back_as_the_default(manifest: DemoManifest) -> None:
    back = load_framework(manifest.framework_path)
    assert back.version == FW.version
    assert list(back.tasks) == list(FW.tasks) and list(back.roles) == list(FW.roles)
    assert {k: t.status for k, t in back.tasks.items()} == {
        k: t.status for k, t in FW.tasks.items()
    }
    assert back.tasks == FW.tasks and back.roles == FW.roles


def test_the_services_name_only_framework_tasks(manifest: DemoManifest) -> None:
    data = yaml.safe_load(manifest.services_path.read_text(encoding="utf-8"))
    assert data["population"] == manifest.population_path.name
    named = set()
    for service in data["services"]:
        named |= {a["task"] for a in service.get("activities", [])}
        for part in ("ratio", "queue"):
            named |= set((service.get(part) or {}).get("tasks", {}))
    assert named and named <= set(FW.tasks)
    kinds = {service["driver"]["kind"] for service in data["services"]}
    assert kinds == {"population", "caseload", "places", "arrivals"}


def test_the_services_and_population_files_load(manifest: DemoManifest) -> None:
    known = {task_id: task.domain for task_id, task in FW.tasks.items()}
    spec = load_service_spec(manifest.services_path, known)
    assert spec.base_year == manifest.base_year
    assert spec.population is not None
    population = read_population(manifest.services_path.parent / spec.population, spec.horizon())
    assert population.years == tuple(spec.horizon())
    assert population.people.shape == (3, 101, spec.years)
    assert round(float(population.people[:, :, 0].sum())) == load_calibration().total_population


def test_every_figure_in_the_services_file_has_its_basis_on_its_line() -> None:
    words = ("schema_version", "name", "id", "task", "ages", "population")
    for number, line in enumerate(bundled_services_text().splitlines(), start=1):
        body = line.split("#", 1)[0]
        if ":" not in body:
            continue
        key, value = (part.strip() for part in body.split(":", 1))
        if key.lstrip("- ") not in words and any(ch.isdigit() for ch in value):
            assert "#" in line, f"services.yaml line {number} has a figure without its basis"


def test_the_horizon_follows_the_calibration() -> None:
    cal = load_calibration()
    assert services_text_for(cal) == bundled_services_text()
    region = cal.region.model_copy(
        update={"base_year": cal.region.base_year.model_copy(update={"value": 2030})}
    )
    moved = yaml.safe_load(services_text_for(cal.model_copy(update={"region": region})))
    assert moved["base_year"] == 2030 and moved["years"] == 11


def test_the_wisn_file_gives_a_result(manifest: DemoManifest) -> None:
    (result,) = wisn_from_file(manifest.wisn_path)
    assert result.existing_staff == 78
    assert 60 < result.required_staff < 120
    assert result.wisn_ratio is not None and 0.6 < result.wisn_ratio < 1.2


def test_the_required_workforce_is_of_the_size_of_the_region(manifest: DemoManifest) -> None:
    outcome = compute_demand(
        manifest.services_path, framework_path=manifest.framework_path, runs=20
    ).as_document()
    assert outcome["years"][0] == manifest.base_year and len(outcome["years"]) == 11
    fte = {(r["service"], r["year"]): r["fte_central"] for r in outcome["by_service"]}
    first, last = outcome["years"][0], outcome["years"][-1]
    # the demo's staff: about 1,300 FTE of home care workers, 2,400 FTE of care home care staff,
    # 240 FTE of district nurses, 13 FTE of AMHPs
    assert 1000 < fte["domiciliary_care", first] < 2000
    assert 1800 < fte["care_homes_residential", first] + fte["care_homes_nursing", first] < 3200
    assert 200 < fte["district_nursing", first] < 500
    assert 10 < fte["amhp_service", first] < 30
    total = {r["year"]: r for r in outcome["total"]}
    assert 3500 < total[first]["fte_central"] < 7000
    assert total[last]["fte_central"] > total[first]["fte_central"]  # an ageing population
    assert total[first]["fte_p5"] < total[first]["fte_central"] < total[first]["fte_p95"]


def test_the_baseline_scenario_loads_and_names_the_demo_inputs(manifest: DemoManifest) -> None:
    from careforce.framework.loader import default_framework
    from careforce.scenario.load import load_scenario

    loaded = load_scenario(manifest.baseline_path)
    scenario = loaded.scenario
    assert scenario.data.census_date == manifest.census_date
    services = loaded.input_path(scenario.data.services)
    assert services is not None and services.resolve() == manifest.services_path.resolve()
    assert loaded.database_url().endswith("careforce.sqlite")
    roles = set(default_framework().roles)
    assert scenario.programmes and all(p.role in roles for p in scenario.programmes)
    for p in scenario.programmes:  # every programme says where its figures come from
        assert p.source or (p.basis or "").startswith("assumption")
