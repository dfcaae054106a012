"""The generated demo region matches its calibration, read back from the files with plain polars.

Measures, as the tests below compute them from the files:
- in post on a day: start <= day and (no end, or end >= day); the census day is the extract date;
- leaver rate in a year: posts ending in the year / posts in post on its first day (averaged over the
  three years); the retirement hazard is compared with its average over the ages in post;
- vacancy rate: vacant / (filled + vacant), by FTE for the NHS and AMHPs, by posts for social care;
- ages: whole years from the date of birth (ESR); from a year of birth (care returns) the expected
  age, census year - year of birth - 1 + the share of a year that falls before the census day, so
  "aged 55+" counts those who may be 55 by that share (shares aged 55+ stay unbiased).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from careforce.demo.calibration import Calibration, first_match, load_calibration, parse_band
from careforce.demo.generator import DemoManifest, generate_region
from careforce.framework.catalogue import role_catalogue
from careforce.framework.mapping import default_role_mapping
from careforce.ingest.formats import FORMATS, ValueType

SEED = 20261123
CAL = load_calibration()
CENSUS = CAL.census_date
POP = CAL.total_population
BEFORE_CENSUS = (
    CENSUS - dt.date(CENSUS.year, 1, 1)
).days / 365.0  # share of a year up to the census


def _read(path: Path) -> pl.DataFrame:
    if path.suffix == ".xlsx":
        return pl.read_excel(path)
    return pl.read_csv(path, infer_schema=False)


def _typed(raw: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Headers to field names, and each column to its format type."""
    casts = []
    for column in FORMATS[kind].columns:
        expr = pl.col(column.header)
        if column.type is ValueType.DATE:
            expr = expr.cast(pl.Utf8).str.to_date("%Y-%m-%d")
        elif column.type is ValueType.NUMBER:
            expr = expr.cast(pl.Float64)
        elif column.type is ValueType.INTEGER:
            expr = expr.cast(pl.Float64).cast(pl.Int64)
        else:
            expr = expr.cast(pl.Utf8)
        casts.append(expr.alias(column.field))
    return raw.select(casts)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate_region(tmp_path_factory.mktemp("demo"), seed=SEED)


@pytest.fixture(scope="module")
def files(manifest: DemoManifest) -> dict[str, pl.DataFrame]:
    return load_sources(manifest)


@pytest.fixture(scope="module")
def staff(files: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return staff_posts(files)


def load_sources(manifest: DemoManifest) -> dict[str, pl.DataFrame]:
    """Every source kind as one typed frame (the social care returns stacked)."""
    out: dict[str, pl.DataFrame] = {}
    for kind, path in manifest.files:
        frame = _typed(_read(path), kind)
        out[kind] = pl.concat([out[kind], frame]) if kind in out else frame
    return out


def staff_posts(files: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every post of the three staff files with its framework role, sector, age and paid flag."""
    mapping = default_role_mapping()
    sectors = dict(
        zip(files["organisations"]["code"], files["organisations"]["sector"], strict=True)
    )
    frames = []
    for kind in ("esr", "social_care", "volunteer"):
        f = files[kind]
        if kind == "esr":
            birth = f["date_of_birth"]
            age = ((pl.lit(CENSUS) - pl.col("birth")).dt.total_days() / 365.2425).floor()
        elif kind == "social_care":
            birth = f["year_of_birth"]
            age = pl.lit(CENSUS.year) - pl.col("birth") - 1 + BEFORE_CENSUS
        else:
            birth = f["age_band"]
            age = pl.lit(None, dtype=pl.Float64)
        frames.append(
            f.select(
                "organisation_code",
                "staff_number",
                "ni_number",
                "source_role_code",
                "start_date",
                "end_date",
                "leaving_reason",
                "fte",
                "contract_type",
                paid=(pl.col("paid") == "Y") if kind == "volunteer" else pl.lit(True),
            )
            .with_columns(
                birth=birth,
                kind=pl.lit(kind),
                role=pl.col("source_role_code").replace_strict(
                    {c: r for (s, c), r in mapping.items() if s == kind}
                ),
                sector=pl.col("organisation_code").replace_strict(sectors),
            )
            .with_columns(
                age=age.cast(pl.Float64),
                person=pl.coalesce("ni_number", pl.concat_str("organisation_code", "staff_number")),
            )
            .drop("birth")
        )
    return pl.concat(frames)


def in_post(day: dt.date) -> pl.Expr:
    return (pl.col("start_date") <= day) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= day)
    )


def near(actual: float, expected: float, *, abs_tol: float = 0.0, rel: float = 0.0) -> bool:
    return abs(actual - expected) <= max(abs_tol, rel * abs(expected))


def test_manifest_lists_sources_in_import_order(manifest: DemoManifest) -> None:
    kinds = [k for k, _ in manifest.files]
    assert kinds[:3] == ["localities", "organisations", "esr"]
    assert kinds[3:-4] == ["social_care"] * len(CAL.region.areas)
    assert kinds[-4:] == ["volunteer", "vacancies", "training", "approvals"]
    assert manifest.census_date == dt.date(2026, 3, 31) and manifest.base_year == 2026
    assert manifest.files[2][1].suffix == ".xlsx"
    assert all(p.exists() for _, p in manifest.files) and manifest.population_path.exists()
    assert load_calibration(manifest.calibration_path) == CAL


def test_every_file_has_exactly_its_format_headers(manifest: DemoManifest) -> None:
    for kind, path in manifest.files:
        assert _read(path).columns == [c.header for c in FORMATS[kind].columns], path.name
    assert pl.read_csv(manifest.population_path).columns == [
        "area_code",
        "age",
        "year",
        "population",
    ]


def test_values_are_valid_for_their_columns(files: dict[str, pl.DataFrame]) -> None:
    code = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")
    for kind, frame in files.items():
        fmt = FORMATS[kind]
        for column in fmt.columns:
            values = frame[column.field]
            if column.required:
                assert values.null_count() == 0, (kind, column.field)
            present = values.drop_nulls()
            if column.type is ValueType.CHOICE:
                assert set(present.to_list()) <= set(column.choices), (kind, column.field)
            if column.type is ValueType.CODE:
                assert all(code.match(v) for v in present.to_list()), (kind, column.field)
            limit = getattr(column, "max_length", None)
            if limit is not None and len(present):
                assert present.cast(pl.Utf8).str.len_chars().max() <= limit, (kind, column.field)
            if column.type is ValueType.YES_NO:
                assert set(present.to_list()) <= {"Y", "N"}, (kind, column.field)
            if column.low is not None and column.type in (ValueType.NUMBER, ValueType.INTEGER):
                assert present.min() >= column.low and present.max() <= column.high, (
                    kind,
                    column.field,
                )
        assert frame.select(fmt.key_columns).is_duplicated().sum() == 0, kind


def test_identifiers_are_fake_but_well_formed(files: dict[str, pl.DataFrame]) -> None:
    ni = pl.concat(
        [files[k]["ni_number"] for k in ("esr", "social_care", "volunteer")]
    ).drop_nulls()
    assert ni.str.contains(r"^(TN|NT|ZZ|BG|GB|NK|KN)\d{6}[A-D]$").all()
    nmc = (
        files["esr"]
        .filter(pl.col("source_role_code") == "OC005")["registration_number"]
        .drop_nulls()
    )
    assert nmc.str.contains(r"^\d{2}X\d{4}[EWSN]$").all() and len(nmc) > 1000


def test_role_codes_are_in_the_bundled_mapping(files: dict[str, pl.DataFrame]) -> None:
    mapping = pl.read_csv(
        Path(__file__).parents[2] / "src/careforce/framework/data/role_mapping.csv"
    )
    for kind in ("esr", "social_care", "volunteer"):
        known = set(mapping.filter(pl.col("scheme") == kind)["source_code"])
        assert set(files[kind]["source_role_code"]) <= known, kind
    # Vacancies take ESR codes or framework role ids (the vacancies format says so).
    known = set(mapping.filter(pl.col("scheme") == "esr")["source_code"]) | set(role_catalogue())
    assert set(files["vacancies"]["source_role_code"]) <= known


def test_no_future_dates_and_fte_in_range(files: dict[str, pl.DataFrame]) -> None:
    for kind, frame in files.items():
        for column in FORMATS[kind].columns:
            if column.type is ValueType.DATE and column.field != "expires_on":  # expiry is ahead
                assert (frame[column.field].drop_nulls() <= CENSUS).all(), (kind, column.field)
        if "fte" in frame.columns:
            fte = frame["fte"].drop_nulls()
            assert ((fte >= 0) & (fte <= 1.5)).all(), kind
        if "end_date" in frame.columns:
            ended = frame.filter(pl.col("end_date").is_not_null())
            assert (ended["end_date"] >= ended["start_date"]).all(), kind
            assert ended["leaving_reason"].null_count() == 0, kind


def test_population_totals_shares_and_projection(manifest: DemoManifest) -> None:
    pop = pl.read_csv(manifest.population_path)
    base = CAL.region.base_year.value
    assert sorted(pop["year"].unique()) == list(range(base, base + 11))
    assert near(pop.filter(pl.col("year") == base)["population"].sum(), POP, rel=0.01)
    for area in CAL.region.areas:
        now = pop.filter((pl.col("area_code") == area.code) & (pl.col("year") == base))
        assert now["age"].to_list() == list(range(101))
        share_65 = now.filter(pl.col("age") >= 65)["population"].sum() / now["population"].sum()
        assert near(share_65, area.share_65_plus.value, abs_tol=0.01), area.code
        later = pop.filter((pl.col("area_code") == area.code) & (pl.col("year") == base + 10))
        growth_65 = (
            later.filter(pl.col("age") >= 65)["population"].sum()
            / now.filter(pl.col("age") >= 65)["population"].sum()
        ) ** 0.1 - 1
        growth_85 = (
            later.filter(pl.col("age") >= 85)["population"].sum()
            / now.filter(pl.col("age") >= 85)["population"].sum()
        ) ** 0.1 - 1
        assert near(growth_65, CAL.population.growth_per_year.age_65_plus.value, abs_tol=0.002)
        assert near(growth_85, CAL.population.growth_per_year.age_85_plus.value, abs_tol=0.002)


def _expected_nhs_fte_by_group(cal: Calibration) -> dict[str, float]:
    """FTE per 1,000 by framework staff group, straight from the calibration."""
    catalogue = role_catalogue()
    out: dict[str, float] = {}
    for group in cal.nhs.staff_groups.values():
        fixed = {r: f.value / 100 for r, f in group.fixed_fte_per_100k.items()}
        rest = group.fte_per_1000.value - sum(fixed.values())
        for role, fte in {**fixed, **{r: s * rest for r, s in group.roles.value.items()}}.items():
            name = catalogue[role].staff_group.value
            out[name] = out.get(name, 0.0) + fte
    return out


def test_nhs_fte_per_1000_by_staff_group_and_headcount(staff: pl.DataFrame) -> None:
    nhs = staff.filter((pl.col("kind") == "esr") & in_post(CENSUS))
    total = nhs["fte"].sum() / POP * 1000
    assert near(total, sum(g.fte_per_1000.value for g in CAL.nhs.staff_groups.values()), rel=0.03)
    groups = {r: role.staff_group.value for r, role in role_catalogue().items()}
    by_group = (
        nhs.with_columns(group=pl.col("role").replace_strict(groups))
        .group_by("group")
        .agg(pl.col("fte").sum())
    )
    actual = dict(zip(by_group["group"], by_group["fte"] / POP * 1000, strict=True))
    for group, expected in _expected_nhs_fte_by_group(CAL).items():
        assert near(actual[group], expected, rel=0.05), group
    headcount = nhs["staff_number"].n_unique()
    assert near(headcount / nhs["fte"].sum(), CAL.nhs.headcount_per_fte.value, rel=0.03)


def test_social_care_size_sector_setting_and_contracts(
    files: dict[str, pl.DataFrame], staff: pl.DataFrame
) -> None:
    care = staff.filter((pl.col("kind") == "social_care") & in_post(CENSUS))
    people = care["person"].n_unique()
    assert near(people / POP * 1000, CAL.social_care.headcount_per_1000.value, rel=0.05)
    council = care.filter(pl.col("sector") == "local_authority").height / care.height
    assert near(council, CAL.social_care.local_authority_share.value, abs_tol=0.03)
    returns = files["social_care"].filter(in_post(CENSUS))
    for setting in ("residential", "domiciliary"):
        share = (returns["setting"] == setting).mean()
        assert near(share, CAL.social_care.settings[setting].share.value, abs_tol=0.03), setting  # type: ignore[arg-type]
    zero = returns["contract_type"] == "zero_hours"
    assert near(zero.mean(), CAL.social_care.zero_hours_share.value, abs_tol=0.03)  # type: ignore[arg-type]
    dom = returns.filter(pl.col("setting") == "domiciliary")["contract_type"] == "zero_hours"
    assert near(
        dom.mean(), CAL.social_care.settings["domiciliary"].zero_hours_share.value, abs_tol=0.03
    )  # type: ignore[arg-type]
    workers = care["role"].is_in(list(CAL.social_care.care_worker_roles)).mean()
    assert near(workers, CAL.social_care.care_worker_share.value, abs_tol=0.03)  # type: ignore[arg-type]
    social_workers = (
        care.filter(pl.col("role") == "social_worker")["staff_number"].len() / POP * 1000
    )
    expected = CAL.social_care.settings["social_work_team"].fixed_per_1000["social_worker"].value
    assert near(social_workers, expected, rel=0.05)


def _share_at_least(frame: pl.DataFrame, age: int) -> float:
    """Share aged `age` or more; an expected (fractional) age counts in part."""
    ages = frame["age"].drop_nulls().to_numpy()
    return float(np.clip(ages - age + 1, 0.0, 1.0).mean())


def _band_share(profile_name: str, from_age: int) -> float:
    profile = next(p for p in CAL.age_profiles if p.name == profile_name)
    return sum(s for k, s in profile.bands.value.items() if parse_band(k)[0] >= from_age)


def test_age_profiles(files: dict[str, pl.DataFrame], staff: pl.DataFrame) -> None:
    now = staff.filter(in_post(CENSUS))
    nurses = now.filter(
        (pl.col("kind") == "esr")
        & pl.col("role").is_in(list(CAL.flows.retire_and_return.roles))
        & (pl.col("contract_type") != "bank")
    )
    assert near(_share_at_least(nurses, 55), _band_share("registered_nurses", 55), abs_tol=0.03)
    care = now.filter(pl.col("kind") == "social_care")
    assert near(_share_at_least(care, 55), 0.29, abs_tol=0.03)  # S15: 29% of care workers aged 55+
    council = care.filter(pl.col("sector") == "local_authority")
    assert near(
        _share_at_least(council, 46), _band_share("local_authority_social_care", 46), abs_tol=0.03
    )
    holders = (
        files["approvals"]
        .filter(pl.col("kind") == "amhp")
        .select("organisation_code", "staff_number")
    )
    amhps = holders.join(
        now.unique(["organisation_code", "staff_number"]), on=["organisation_code", "staff_number"]
    )
    assert amhps.height == holders.height
    # 3 pp, plus one person: a group of about 30 cannot come closer than that.
    assert near(
        _share_at_least(amhps, 55), _band_share("amhps", 55), abs_tol=0.03 + 1 / amhps.height
    )


def _hazard_by_age() -> np.ndarray:
    hazard = np.zeros(121)
    for band, rate in CAL.flows.retirement_hazard.value.items():
        low, high = parse_band(band)
        hazard[low : high + 1] = rate
    hazard[high + 1 :] = rate
    return hazard


def _yearly_rates(frame: pl.DataFrame) -> tuple[float, float, float]:
    """Average over the window of non-retirement leavers, retirements and the mean hazard of those
    in post, each over those in post at the start of the year."""
    hazard = _hazard_by_age()
    starts = [CENSUS.replace(year=CENSUS.year - 3 + y) + dt.timedelta(days=1) for y in range(4)]
    non, ret, expected = [], [], []
    for first, after in itertools.pairwise(starts):
        stock = frame.filter(in_post(first))
        leaving = stock.filter(pl.col("end_date").is_not_null() & (pl.col("end_date") < after))
        retired = (leaving["leaving_reason"] == "retirement").sum()
        non.append((leaving.height - retired) / stock.height)
        ret.append(retired / stock.height)
        ages = stock["age"].drop_nulls().to_numpy().astype(int) - (CENSUS.year - first.year)
        expected.append(float(hazard[np.clip(ages, 0, 120)].mean()) if len(ages) else float("nan"))
    return float(np.mean(non)), float(np.mean(ret)), float(np.mean(expected))


def test_leaver_rates_over_the_history(staff: pl.DataFrame) -> None:
    kinds = staff.select("role", "sector", "paid").unique()
    classes = kinds.with_columns(
        leaver_class=pl.Series(
            [first_match(CAL.leavers, *row).name for row in kinds.iter_rows()], dtype=pl.Utf8
        )
    )
    tagged = staff.join(classes, on=["role", "sector", "paid"])
    checked = 0
    for leavers in CAL.leavers:
        group = tagged.filter(pl.col("leaver_class") == leavers.name)
        if group.filter(in_post(CENSUS)).height < 100:
            continue
        non, ret, expected_ret = _yearly_rates(group)
        size = group.filter(in_post(CENSUS)).height
        assert near(
            non,
            leavers.rate.value,
            abs_tol=0.02 if size >= 500 else 0.0,
            rel=0.15 if size < 500 else 0.0,
        ), leavers.name
        if group["kind"][0] == "esr":
            assert near(ret, expected_ret, abs_tol=0.01), leavers.name
        checked += 1
    assert checked >= 8


def test_stocks_grow_as_calibrated(staff: pl.DataFrame) -> None:
    first = CENSUS.replace(year=CENSUS.year - 3) + dt.timedelta(days=1)
    for kind, growth in (
        ("esr", CAL.nhs.growth_per_year.value),
        ("social_care", CAL.social_care.growth_per_year.value),
    ):
        posts = staff.filter((pl.col("kind") == kind) & (pl.col("contract_type") != "bank"))
        people_then = posts.filter(in_post(first))["person"].n_unique()
        yearly = (posts.filter(in_post(CENSUS))["person"].n_unique() / people_then) ** (1 / 3) - 1
        assert near(yearly, growth, abs_tol=0.01), kind
    joiners = staff.filter(pl.col("start_date") > first).height
    retirements = (staff["leaving_reason"] == "retirement").sum()
    assert joiners > 5000 and retirements > 500


def test_vacancy_rates(files: dict[str, pl.DataFrame], staff: pl.DataFrame) -> None:
    now = staff.filter(in_post(CENSUS))
    mapping = default_role_mapping()
    vac = files["vacancies"].with_columns(
        role=pl.col("source_role_code").replace_strict(
            {c: r for (s, c), r in mapping.items() if s == "esr"},
            default=pl.col("source_role_code"),
        )
    )
    nhs_orgs = [CAL.nhs.organisation.code]

    def fte_rate(roles: list[str] | None) -> float:
        filled = now.filter((pl.col("kind") == "esr") & (pl.col("role") != "amhp"))
        vacant = vac.filter(
            pl.col("organisation_code").is_in(nhs_orgs) & (pl.col("role") != "amhp")
        )
        if roles is not None:
            filled, vacant = (
                filled.filter(pl.col("role").is_in(roles)),
                vacant.filter(pl.col("role").is_in(roles)),
            )
        return vacant["fte"].sum() / (filled["fte"].sum() + vacant["fte"].sum())

    groups = CAL.nhs.staff_groups
    assert near(fte_rate(None), CAL.nhs.overall_vacancy_rate.value, abs_tol=0.015)
    registered = [r for r in groups["nmhv"].roles.value if role_catalogue()[r].registered]
    assert near(fte_rate(registered), groups["nmhv"].vacancy_rate.value, abs_tol=0.015)
    assert near(
        fte_rate([*list(groups["medical_dental"].roles.value), "consultant_psychiatrist"]),
        groups["medical_dental"].vacancy_rate.value,
        abs_tol=0.015,
    )
    amhp_filled = now.filter(pl.col("role") == "amhp")["fte"].sum()
    amhp_vacant = vac.filter(pl.col("role") == "amhp")["fte"].sum()
    assert near(
        amhp_vacant / (amhp_filled + amhp_vacant),
        CAL.mental_health.amhp.vacancy_rate.value,
        abs_tol=0.015,
    )
    care = now.filter((pl.col("kind") == "social_care") & (pl.col("role") != "amhp")).height
    care_vacant = vac.filter(
        ~pl.col("organisation_code").is_in(nhs_orgs) & (pl.col("role") != "amhp")
    ).height
    assert near(
        care_vacant / (care + care_vacant), CAL.vacancies.social_care_rate.value, abs_tol=0.015
    )


def test_people_with_two_posts_are_linked_by_ni_number(
    files: dict[str, pl.DataFrame], staff: pl.DataFrame
) -> None:
    now = staff.filter(in_post(CENSUS))
    linked = (
        now.filter(pl.col("ni_number").is_not_null())
        .group_by("ni_number")
        .len()
        .filter(pl.col("len") >= 2)
        .height
    )
    gaps = CAL.data_gaps
    nurses = now.filter(
        (pl.col("kind") == "esr")
        & pl.col("role").is_in(list(CAL.flows.retire_and_return.roles))
        & (pl.col("contract_type") != "bank")
    ).height
    care = now.filter(
        pl.col("role").is_in(list(CAL.dual_posts.care_workers_second_provider.roles))
        & pl.col("sector").is_in(["independent", "third_sector"])
    ).height
    amhp = round(
        CAL.mental_health.amhp.combined_share.value
        * CAL.mental_health.amhp.headcount_per_100k.value
        * POP
        / 100_000
    )
    ni_esr, ni_ind, ni_la = (
        getattr(gaps, k).value["ni_number"] for k in ("esr", "independent", "local_authority")
    )
    expected = (
        CAL.dual_posts.nurses_on_care_bank.share.value * nurses * (1 - ni_esr) * (1 - ni_ind)
        + CAL.dual_posts.care_workers_second_provider.share.value
        * care
        / (1 + CAL.dual_posts.care_workers_second_provider.share.value)
        * (1 - ni_ind) ** 2
        + amhp * (1 - ni_la) ** 2
    )
    assert near(linked, expected, rel=0.15)
    people = now.filter(pl.col("ni_number").is_not_null())["ni_number"].n_unique()
    assert 0.005 < linked / people < 0.05
    # The same person carries the same year of birth in both files.
    esr = files["esr"].select("ni_number", year=pl.col("date_of_birth").dt.year()).drop_nulls()
    care_years = (
        files["social_care"].select("ni_number", pl.col("year_of_birth").alias("year")).drop_nulls()
    )
    both = esr.join(care_years, on="ni_number")
    assert both.height > 50 and (both["year"] == both["year_right"]).all()


def test_completeness_by_sender(files: dict[str, pl.DataFrame]) -> None:
    sectors = dict(
        zip(files["organisations"]["code"], files["organisations"]["sector"], strict=True)
    )
    registered_codes = {
        c for (s, c), r in default_role_mapping().items() if role_catalogue()[r].registered
    }
    senders = {
        "esr": files["esr"].with_columns(sender=pl.lit("esr")),
        "social_care": files["social_care"].with_columns(
            sender=pl.col("organisation_code").replace_strict(sectors)
        ),
        "volunteer": files["volunteer"].with_columns(
            sender=pl.when(pl.col("paid") == "Y")
            .then(pl.lit("volunteer_paid"))
            .otherwise(pl.lit("volunteer_unpaid"))
        ),
        "training": files["training"].with_columns(sender=pl.lit("training")),
        "approvals": files["approvals"].with_columns(sender=pl.lit("approvals")),
    }
    checked = 0
    for kind, frame in senders.items():
        for sender in frame["sender"].unique():
            rows = frame.filter(pl.col("sender") == sender)
            for field, rate in getattr(CAL.data_gaps, sender).value.items():
                applicable = rows
                if field == "registration_number":
                    applicable = rows.filter(
                        pl.col("source_role_code").is_in(list(registered_codes))
                    )
                if field == "fte":
                    applicable = rows.filter(
                        pl.col("contract_type").is_in(["permanent", "fixed_term", "agency"])
                    )
                if applicable.height < 50:
                    continue
                missing = applicable[field].null_count() / applicable.height
                assert near(missing, rate, abs_tol=0.03), (kind, sender, field)
                checked += 1
    assert checked > 40


def test_equality_shares_of_social_care_staff(files: dict[str, pl.DataFrame]) -> None:
    care = files["social_care"]
    profile = next(p for p in CAL.equality.profiles if p.name == "social_care")

    def share(field: str, yes: pl.Expr) -> float:
        return float(care.filter(pl.col(field).is_not_null()).select(yes.mean()).item())

    assert near(share("sex", pl.col("sex") == "female"), profile.female_share.value, abs_tol=0.02)
    minority = ~pl.col("ethnicity").str.starts_with("White")
    assert near(share("ethnicity", minority), profile.minority_ethnic_share.value, abs_tol=0.02)
    welsh = pl.col("welsh_language_level") > 0
    assert near(
        share("welsh_language_level", welsh), profile.welsh_some_ability_share.value, abs_tol=0.02
    )
    recruits = pl.col("international_recruit") == "Y"
    assert near(
        share("international_recruit", recruits),
        profile.international_recruit_share.value,
        abs_tol=0.02,
    )


def test_training_and_approvals_refer_to_staff(files: dict[str, pl.DataFrame]) -> None:
    known = pl.concat(
        [
            files[k].select("organisation_code", "staff_number")
            for k in ("esr", "social_care", "volunteer")
        ]
    ).unique()
    for kind in ("training", "approvals"):
        refs = files[kind].select("organisation_code", "staff_number").unique()
        assert refs.join(known, on=["organisation_code", "staff_number"], how="anti").height == 0, (
            kind
        )
    training = files["training"]
    assert training["competency"].is_in(["MH01", "MH02", "MH16"]).sum() > 10_000
    expired = (training["expires_on"] < CENSUS).mean()
    unsigned = training["signed_off_by_role"].is_null().mean()
    assert near(expired, CAL.training.expired_share.value, abs_tol=0.02)  # type: ignore[arg-type]
    assert near(unsigned, CAL.training.unsigned_share.value, abs_tol=0.02)  # type: ignore[arg-type]
    approvals = files["approvals"]
    amhps = approvals.filter(pl.col("kind") == "amhp").height
    expected = CAL.mental_health.amhp.headcount_per_100k.value * POP / 100_000
    assert abs(amhps - expected) <= 1
    assert approvals.filter(pl.col("kind") == "section_12").height >= 30


def test_one_expected_organisation_sends_nothing(files: dict[str, pl.DataFrame]) -> None:
    submitted = set()
    for kind in ("esr", "social_care", "volunteer", "vacancies", "training", "approvals"):
        submitted |= set(files[kind]["organisation_code"])
    silent = set(files["organisations"]["code"]) - submitted
    assert len(silent) == CAL.organisations.non_submitting.value


def _bytes(manifest: DemoManifest) -> dict[str, bytes]:
    paths = [p for _, p in manifest.files] + [manifest.population_path, manifest.calibration_path]
    return {p.name: p.read_bytes() for p in paths}


def test_same_seed_same_bytes_and_other_seed_differs(
    manifest: DemoManifest, tmp_path: Path
) -> None:
    again = generate_region(tmp_path / "again", seed=SEED)
    assert _bytes(again) == _bytes(manifest)
    other = _bytes(generate_region(tmp_path / "other", seed=SEED + 1, excel=False))
    first = _bytes(manifest)
    for name in ("social_care_gw-caer.csv", "volunteer.csv", "training.csv", "vacancies.csv"):
        assert other[name] != first[name], name
    assert other["population.csv"] == first["population.csv"]  # the population is not random


def test_an_edited_calibration_is_used_and_copied(tmp_path: Path) -> None:
    edited = CAL.model_copy(
        update={
            "social_care": CAL.social_care.model_copy(
                update={
                    "headcount_per_1000": CAL.social_care.headcount_per_1000.model_copy(
                        update={"value": 20.0}
                    )
                }
            )
        }
    )
    made = generate_region(tmp_path, seed=SEED, calibration=edited, excel=False)
    assert made.files[2][1].name == "esr_gwhb.csv"
    assert load_calibration(made.calibration_path) == edited
    care = pl.concat(
        [pl.read_csv(p, infer_schema=False) for k, p in made.files if k == "social_care"]
    )
    now = care.filter(pl.col("End Date").is_null())
    assert near(now.height / POP * 1000, 20.0, rel=0.08)  # posts, second posts included
