"""Problems with values and rows: one test per kind of problem, each naming row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ingest_support import (
    APPROVAL_ROW,
    ESR_ROW,
    LOCALITY_ROWS,
    ORGANISATION_ROW,
    ROLE_MAPPING_ROW,
    SOCIAL_CARE_ROW,
    TRAINING_ROW,
    VACANCY_ROW,
    VOLUNTEER_ROW,
    import_rows,
    make_context,
    problems,
    reasons,
    row,
    write_csv,
)

from careforce.domain import Problem
from careforce.ingest import ImportFailed, read_source


def one(tmp_path: Path, kind: str, rows: list[dict[str, str]]) -> Problem:
    found = problems(tmp_path, kind, rows)
    assert len(found) == 1, reasons(found)
    return found[0]


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("Start Date", "31-03-2024", "not a date: write it as 2024-03-31 or 31/03/2024"),
        ("Start Date", "yesterday", "not a date: write it as 2024-03-31 or 31/03/2024"),
        ("Start Date", "2023-02-30", "impossible date: there is no such day"),
        ("Start Date", "31/02/2023", "impossible date: there is no such day"),
        ("Start Date", "03/31/2024", "impossible date: there is no such day"),
        ("Start Date", "1899-12-31", "date before 1900"),
        ("Start Date", "2025-04-01", "date in the future (after the extract date 2025-03-31)"),
        ("Date of Birth", "2030-01-01", "date in the future (after the extract date 2025-03-31)"),
        ("FTE", "1.6", "outside the allowed range 0 to 1.5"),
        ("FTE", "-0.1", "outside the allowed range 0 to 1.5"),
        ("FTE", "one", "not a number"),
        ("FTE", "nan", "not a number"),
        ("FTE", "1,0", "not a number"),
        ("Contracted Hours", "81", "outside the allowed range 0 to 80"),
        ("Welsh Language Level", "2.5", "not a whole number"),
        ("Welsh Language Level", "6", "outside the allowed range 0 to 5"),
        ("International Recruit", "maybe", "not yes or no: use Y or N"),
        ("Setting", "ward", "not one of the allowed values: hospital, community, primary_care"),
        ("Contract Type", "casual", "not one of the allowed values: permanent, fixed_term"),
        ("Area Code", "W06 000001", "not a valid code: use letters, digits and _ . - / only"),
        ("Pay Band", "Band 5", "not a valid code"),
        ("Pay Band", "8a-8b-8c-8d-9-x-y", "longer than 16 characters"),
        ("Ethnicity", "x" * 65, "longer than 64 characters"),
    ],
)
def test_a_bad_value(tmp_path: Path, header: str, value: str, reason: str) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, **{header.replace(" ", "_"): value})])
    assert (problem.row, problem.column, problem.value) == (2, header, value)
    assert problem.reason.startswith(reason), problem.reason


@pytest.mark.parametrize(
    "header", ["Organisation Code", "Assignment Number", "FTE", "Start Date", "Setting"]
)
def test_a_missing_mandatory_field(tmp_path: Path, header: str) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, **{header.replace(" ", "_"): "  "})])
    assert (problem.row, problem.column, problem.reason) == (2, header, "missing mandatory field")


def test_a_missing_identifier_does_not_show_a_value(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, Employee_Number="")])
    assert (problem.column, problem.reason, problem.value) == (
        "Employee Number",
        "missing mandatory field",
        None,
    )


def test_an_identifier_too_long_is_reported_without_its_value(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, NI_Number="A" * 65)])
    assert problem.column == "NI Number"
    assert problem.value is None
    assert "longer than 64" in problem.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Fixed Term", "fixed_term"), ("FIXED-TERM", "fixed_term"), (" bank ", "bank")],
)
def test_choices_are_normalised(tmp_path: Path, value: str, expected: str) -> None:
    batch = import_rows(tmp_path, "esr", [row(ESR_ROW, Contract_Type=value)])
    assert batch.tables["posts"]["contract_type"].to_list() == [expected]


@pytest.mark.parametrize(
    ("value", "expected"), [("Y", True), ("yes", True), ("0", False), ("False", False)]
)
def test_yes_no_values(tmp_path: Path, value: str, expected: bool) -> None:
    batch = import_rows(tmp_path, "esr", [row(ESR_ROW, International_Recruit=value)])
    assert batch.tables["persons"]["international_recruit"].to_list() == [expected]


def test_both_date_forms_are_read(tmp_path: Path) -> None:
    rows = [
        row(ESR_ROW, Start_Date="2024-03-31"),
        row(ESR_ROW, Assignment_Number="A002", Start_Date="31/03/2024"),
        row(ESR_ROW, Assignment_Number="A003", Start_Date="1/4/2023"),
    ]
    posts = import_rows(tmp_path, "esr", rows).tables["posts"]
    assert [d.isoformat() for d in posts["start_date"]] == [
        "2024-03-31",
        "2024-03-31",
        "2023-04-01",
    ]


def test_end_dates_may_be_in_the_future(tmp_path: Path) -> None:
    batch = import_rows(tmp_path, "esr", [row(ESR_ROW, End_Date="2026-03-31")])
    assert str(batch.tables["posts"]["end_date"][0]) == "2026-03-31"


def test_an_end_date_before_the_start_date(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, End_Date="2019-08-31")])
    assert (problem.row, problem.column, problem.value) == (2, "End Date", "2019-08-31")
    assert problem.reason == "End Date is before Start Date"


def test_a_leaving_reason_without_an_end_date(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, Leaving_Reason="retirement")])
    assert (problem.column, problem.reason) == (
        "Leaving Reason",
        "a leaving reason needs an end date",
    )


def test_a_duplicate_post_reports_both_rows(tmp_path: Path) -> None:
    rows = [ESR_ROW, row(ESR_ROW, Assignment_Number="A002"), row(ESR_ROW, Employee_Number="E002")]
    found = problems(tmp_path, "esr", rows)
    assert reasons(found) == [
        (
            2,
            "Organisation Code + Assignment Number",
            "duplicate: the same Organisation Code + Assignment Number as row 4",
        ),
        (
            4,
            "Organisation Code + Assignment Number",
            "duplicate: the same Organisation Code + Assignment Number as row 2",
        ),
    ]
    assert found[0].value == "ORG1 / A001"


def test_an_unmapped_role_code_says_how_to_map_it(tmp_path: Path) -> None:
    rows = [
        row(ESR_ROW, Occupation_Code="OC999"),
        row(ESR_ROW, Assignment_Number="A002", Occupation_Code="OC999"),
        row(ESR_ROW, Assignment_Number="A003", Occupation_Code="ZZ1"),
    ]
    path = write_csv(tmp_path / "esr.csv", rows)
    with pytest.raises(ImportFailed) as failed:
        read_source("esr", path, make_context())
    assert failed.value.unmapped_role_codes == ("OC999", "ZZ1")
    found = failed.value.problems
    assert [(p.row, p.column, p.value) for p in found] == [
        (2, "Occupation Code", "OC999"),
        (4, "Occupation Code", "ZZ1"),
    ]
    assert "role code not mapped to a framework role (scheme 'esr')" in found[0].reason
    assert "`careforce import role_mapping FILE`" in found[0].reason
    assert found[0].reason.endswith("(2 rows: 2, 3)")


def test_role_codes_map_whatever_their_case(tmp_path: Path) -> None:
    batch = import_rows(tmp_path, "esr", [row(ESR_ROW, Occupation_Code="oc005")])
    posts = batch.tables["posts"]
    assert posts.select("role_id", "source_role_code").row(0) == ("rn_adult", "oc005")


def test_a_role_mapping_from_the_database_is_used(tmp_path: Path) -> None:
    from careforce.framework.mapping import default_role_mapping

    mapping = {**default_role_mapping(), ("esr", "OC999"): "midwife"}
    context = make_context(role_mapping=mapping)
    batch = import_rows(tmp_path, "esr", [row(ESR_ROW, Occupation_Code="OC999")], context)
    assert batch.tables["posts"]["role_id"].to_list() == ["midwife"]


def test_an_unknown_organisation_says_to_import_organisations(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, Organisation_Code="ORG404")])
    assert (problem.column, problem.value) == ("Organisation Code", "ORG404")
    assert problem.reason.startswith("unknown organisation code: import the organisations file")


def test_an_unknown_locality_says_to_import_localities(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, Area_Code="W06000404")])
    assert (problem.column, problem.value) == ("Area Code", "W06000404")
    assert "import the localities file first" in problem.reason


def test_posts_are_based_in_local_authority_areas(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, Area_Code="R1")])
    assert problem.reason.startswith("this locality is not a local authority area")


def test_too_young_to_be_employed(tmp_path: Path) -> None:
    problem = one(tmp_path, "esr", [row(ESR_ROW, Date_of_Birth="2015-01-01")])
    assert (problem.column, problem.value) == ("Date of Birth", "2015")
    assert problem.reason.startswith("born after 2011")


def test_row_numbers_are_spreadsheet_rows_with_blank_lines_counted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "esr.csv", [ESR_ROW])
    with path.open("a", encoding="utf-8") as f:
        f.write("\n" + ",".join(row(ESR_ROW, Assignment_Number="A002", FTE="2").values()) + "\n")
    with pytest.raises(ImportFailed) as failed:
        read_source("esr", path, make_context())
    assert [(p.row, p.column) for p in failed.value.problems] == [(4, "FTE")]


def test_every_problem_is_listed_in_row_order(tmp_path: Path) -> None:
    rows = [
        row(ESR_ROW, FTE="9"),
        row(ESR_ROW, Assignment_Number="A002", Start_Date="2023-02-30", Setting="ward"),
        row(ESR_ROW, Assignment_Number="A003", Occupation_Code="OC999"),
    ]
    found = problems(tmp_path, "esr", rows)
    assert [(p.row, p.column) for p in found] == [
        (2, "FTE"),
        (3, "Setting"),
        (3, "Start Date"),
        (4, "Occupation Code"),
    ]


def test_problems_are_capped_with_a_count_of_the_rest(tmp_path: Path) -> None:
    rows = [row(ESR_ROW, Assignment_Number=f"A{i}", FTE="2") for i in range(30)]
    found = problems(tmp_path, "esr", rows, make_context(max_problems_listed=10))
    assert len(found) == 11
    assert [p.row for p in found[:10]] == list(range(2, 12))
    assert found[-1].row is None
    assert found[-1].reason == "20 more problems not listed (by column: FTE: 20)"


def test_the_failure_summary_counts_every_problem(tmp_path: Path) -> None:
    rows = [row(ESR_ROW, Assignment_Number=f"A{i}", FTE="2") for i in range(30)]
    path = write_csv(tmp_path / "esr.csv", rows)
    with pytest.raises(ImportFailed) as failed:
        read_source("esr", path, make_context(max_problems_listed=5))
    assert failed.value.total == 30
    assert str(failed.value) == "esr.csv: 30 problems found; nothing was written"


# -- other kinds ---------------------------------------------------------------------------------


def test_social_care_year_of_birth_bounds(tmp_path: Path) -> None:
    problem = one(tmp_path, "social_care", [row(SOCIAL_CARE_ROW, Year_of_Birth="1850")])
    assert (problem.column, problem.reason) == (
        "Year of Birth",
        "outside the allowed range 1900 to 2015",
    )


def test_social_care_roles_use_their_own_scheme(tmp_path: Path) -> None:
    problem = one(tmp_path, "social_care", [row(SOCIAL_CARE_ROW, Job_Role="OC005")])
    assert "scheme 'social_care'" in problem.reason


def test_a_paid_volunteer_return_row_needs_a_contract_type(tmp_path: Path) -> None:
    problem = one(tmp_path, "volunteer", [row(VOLUNTEER_ROW, Paid="Y")])
    assert (problem.column, problem.reason) == (
        "Contract Type",
        "a paid post needs a contract type",
    )


def test_a_volunteer_has_no_fte(tmp_path: Path) -> None:
    problem = one(tmp_path, "volunteer", [row(VOLUNTEER_ROW, FTE="0.2")])
    assert (problem.column, problem.value) == ("FTE", "0.2")
    assert problem.reason.startswith("a volunteer (Paid = N) has no FTE")


def test_a_vacancy_needs_a_positive_fte(tmp_path: Path) -> None:
    problem = one(tmp_path, "vacancies", [row(VACANCY_ROW, FTE="0")])
    assert problem.reason == "outside the allowed range 0.01 to 1.5"


def test_a_vacancy_role_must_be_mapped(tmp_path: Path) -> None:
    problem = one(tmp_path, "vacancies", [row(VACANCY_ROW, Role="nurse")])
    assert problem.reason.startswith("role code not mapped to a framework role (scheme 'esr')")


def test_training_expiring_before_it_was_achieved(tmp_path: Path) -> None:
    found = problems(tmp_path, "training", [row(TRAINING_ROW, Expiry_Date="2023-01-01")])
    assert ("Expiry Date", "Expiry Date is before Date Achieved") in [
        (p.column, p.reason) for p in found
    ]


def test_training_signed_off_by_an_unknown_role(tmp_path: Path) -> None:
    found = problems(tmp_path, "training", [row(TRAINING_ROW, Signed_Off_By_Role="matron")])
    assert any(
        p.column == "Signed Off By Role" and p.reason.startswith("not a framework role id")
        for p in found
    )


def test_an_approval_must_expire_after_it_was_given(tmp_path: Path) -> None:
    found = problems(tmp_path, "approvals", [row(APPROVAL_ROW, Expires_On="2022-04-01")])
    assert ("Expires On", "Expires On is on or before Approved On") in [
        (p.column, p.reason) for p in found
    ]


# -- reference files -----------------------------------------------------------------------------


def test_a_locality_parent_must_exist(tmp_path: Path) -> None:
    rows = [row(LOCALITY_ROWS[1], Parent_Code="R404")]
    problem = one(tmp_path, "localities", rows)
    assert (problem.column, problem.value) == ("Parent Code", "R404")
    assert problem.reason.startswith("unknown parent locality code")


def test_a_locality_parent_may_already_be_imported(tmp_path: Path) -> None:
    batch = import_rows(tmp_path, "localities", [row(LOCALITY_ROWS[1], Parent_Code="R1")])
    assert batch.tables["localities"]["parent_code"].to_list() == ["R1"]


def test_a_locality_parent_must_be_above_it(tmp_path: Path) -> None:
    rows = [row(LOCALITY_ROWS[1], Parent_Code="W06000001")]
    problem = one(tmp_path, "localities", rows)
    assert (
        problem.reason
        == "the parent locality is a local authority area, not above a local authority area"
    )


def test_a_nation_has_no_parent_and_others_need_one(tmp_path: Path) -> None:
    rows = [row(LOCALITY_ROWS[0], Parent_Code="R1"), row(LOCALITY_ROWS[2], Parent_Code="")]
    found = problems(tmp_path, "localities", rows)
    assert [(p.row, p.reason.split(":")[0]) for p in found] == [
        (2, "a nation has no parent locality"),
        (3, "a region or local authority area needs the code of the locality above it"),
    ]


def test_an_organisation_sector_must_be_known(tmp_path: Path) -> None:
    problem = one(tmp_path, "organisations", [row(ORGANISATION_ROW, Sector="charity")])
    assert problem.reason.startswith("not one of the allowed values: nhs, local_authority")


def test_an_organisation_locality_must_be_imported_first(tmp_path: Path) -> None:
    problem = one(tmp_path, "organisations", [row(ORGANISATION_ROW, Locality_Code="X1")])
    assert "import the localities file first" in problem.reason


def test_a_role_mapping_must_name_a_framework_role(tmp_path: Path) -> None:
    problem = one(tmp_path, "role_mapping", [row(ROLE_MAPPING_ROW, Role="nurse")])
    assert (problem.column, problem.value) == ("Role", "nurse")
    assert problem.reason.startswith("not a framework role id")


def test_role_mapping_codes_repeat_whatever_their_case(tmp_path: Path) -> None:
    rows = [ROLE_MAPPING_ROW, row(ROLE_MAPPING_ROW, Source_Code="OC900", Role="midwife")]
    found = problems(tmp_path, "role_mapping", rows)
    assert [p.row for p in found] == [2, 3]
    assert all(p.reason.startswith("duplicate") for p in found)


def test_a_key_repeated_thousands_of_times_is_reported_in_bounded_words(tmp_path: Path) -> None:
    rows = [row(ESR_ROW, Employee_Number=f"E{i}", NI_Number="") for i in range(3000)]
    found = problems(tmp_path, "esr", rows, make_context(max_problems_listed=3000))
    assert len(found) == 3000
    assert found[0].reason == (
        "duplicate: the same Organisation Code + Assignment Number as row "
        "3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ... (2999 other rows)"
    )
    assert found[1].reason.startswith(
        "duplicate: the same Organisation Code + Assignment Number as row 2, 4,"
    )
