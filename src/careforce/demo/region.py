"""The demo region in memory: every table its files are written from, built from the calibration.

Each part draws from its own named random stream (see `sampling.stream`), in this order: the
organisations; NHS posts; social care posts (less the posts that nurses on a care bank will take);
volunteer returns; AMHPs; people with a second post. Posts at an organisation that sends no data are
then dropped, people get their equality fields and identifiers, and vacancies, training records and
approvals are drawn from the posts.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from careforce.demo.amhp import add_combined_amhps, sole_amhp_posts
from careforce.demo.calibration import Calibration
from careforce.demo.dual import add_dual_posts, nurses_on_care_bank_count
from careforce.demo.identifiers import post_refs, registration_numbers, staff_numbers
from careforce.demo.nhs import nhs_posts
from careforce.demo.organisations import organisations_table
from careforce.demo.people import people_table
from careforce.demo.places import localities_table, population_table
from careforce.demo.records import approvals, vacancies
from careforce.demo.sampling import stream
from careforce.demo.social_care import social_care_posts
from careforce.demo.stocks import flow_rules, stack
from careforce.demo.training import training_records
from careforce.demo.volunteers import volunteer_posts

DEFAULT_SEED = 20261123


@dataclass(frozen=True, slots=True)
class DemoRegion:
    """The region in memory: every table the files are written from (dates as days since 1970)."""

    calibration: Calibration
    localities: pl.DataFrame
    organisations: pl.DataFrame
    population: pl.DataFrame
    posts: pl.DataFrame  # one row per post, with staff numbers, post references and registrations
    people: pl.DataFrame  # one row per person: date of birth, equality fields, NI number
    vacancies: pl.DataFrame
    training: pl.DataFrame  # with staff numbers and NI numbers
    approvals: pl.DataFrame  # with staff numbers and NI numbers


def _first_posts(posts: pl.DataFrame) -> pl.DataFrame:
    """Make sure each person has one first post (the earliest, if theirs was at a silent sender)."""
    has_first = posts.group_by("person", maintain_order=True).agg(
        pl.col("primary").any().alias("has")
    )
    posts = posts.join(has_first, on="person", maintain_order="left").with_row_index("row")
    earliest = (
        posts.filter(~pl.col("has")).sort("start", "row").unique("person", keep="first")["row"]
    )
    return posts.with_columns(
        primary=pl.col("primary") | pl.col("row").is_in(earliest.implode())
    ).drop("row", "has")


def build_region(cal: Calibration, seed: int = DEFAULT_SEED) -> DemoRegion:
    """Every table of the region, from the calibration and the seed (see the module docstring)."""
    rules = flow_rules(cal)
    orgs = organisations_table(cal, stream(seed, "organisations"))
    nhs = nhs_posts(stream(seed, "nhs"), cal, rules)
    reserved = nurses_on_care_bank_count(cal, nhs)
    care = social_care_posts(stream(seed, "social_care"), cal, rules, orgs, reserved)
    volunteers = volunteer_posts(stream(seed, "volunteers"), cal, rules, orgs)
    sole = sole_amhp_posts(stream(seed, "amhp"), cal, rules)
    posts = stack([nhs, care, volunteers, sole])
    posts, amhps = add_combined_amhps(stream(seed, "amhp_combined"), cal, posts)
    posts = add_dual_posts(stream(seed, "dual_posts"), cal, posts, orgs)
    submitting = orgs.filter(pl.col("submits"))["code"].implode()
    posts = _first_posts(posts.filter(pl.col("org").is_in(submitting)))
    people = people_table(stream(seed, "people"), cal, posts)
    ids = stream(seed, "identifiers")
    posts = posts.join(
        staff_numbers(ids, posts), on=["org", "person"], how="left", maintain_order="left"
    )
    posts = posts.join(
        people.select("person", "ni_number", "registration_serial"),
        on="person",
        how="left",
        maintain_order="left",
    )
    posts = posts.with_columns(
        post_ref=pl.Series(post_refs(ids, posts), dtype=pl.Utf8),
        registration_number=registration_numbers(posts["role"], posts["registration_serial"]),
    ).drop("registration_serial")
    return DemoRegion(
        calibration=cal,
        localities=localities_table(cal),
        organisations=orgs,
        population=population_table(cal),
        posts=posts,
        people=people.drop("registration_serial"),
        vacancies=vacancies(stream(seed, "vacancies"), cal, posts),
        training=training_records(stream(seed, "training"), cal, posts),
        approvals=_with_staff(
            approvals(
                stream(seed, "approvals"), cal, posts, amhps.filter(pl.col("org").is_in(submitting))
            ),
            posts,
        ),
    )


def _with_staff(records: pl.DataFrame, posts: pl.DataFrame) -> pl.DataFrame:
    """Records of (person, org) given the employer's staff number and the person's NI number."""
    ids = posts.select("org", "person", "staff_number", "ni_number").unique(
        ["org", "person"], maintain_order=True
    )
    joined = records.join(ids, on=["org", "person"], how="left", maintain_order="left")
    return joined.rename({"org": "organisation_code"}).sort(
        "organisation_code", "staff_number", "kind"
    )
