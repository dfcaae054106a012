"""Invariants of pseudonymisation and linkage over random identifiers (METHODS section 9).

Linkage is checked against a slow, obviously correct reference: union-find over rows that share
an identifier, each group keyed by its strongest identifier (NI, then registration, then staff
number; the earliest row among equals).
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from careforce.ingest.problems import ROW, ProblemLog
from careforce.ingest.pseudonymise import keyed_hash, keyed_hashes, link_persons
from careforce.ingest.validate import normalise_identifier

SECRET = b"property-secret-000001"
HEX64 = re.compile(r"[0-9a-f]{64}")
STRENGTH = ("ni", "reg", "staff")

secrets = st.binary(min_size=16, max_size=100)
texts = st.text(max_size=40)


@settings(max_examples=200, derandomize=True)
@given(secret=secrets, message=texts)
def test_keys_are_64_hex_characters_and_are_hmac_sha256(secret: bytes, message: str) -> None:
    key = keyed_hash(secret, message)
    assert HEX64.fullmatch(key)
    assert key == hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


@settings(max_examples=100, derandomize=True)
@given(secret=secrets, messages=st.lists(texts, min_size=1, max_size=30, unique=True))
def test_keys_are_injective_over_distinct_inputs(secret: bytes, messages: list[str]) -> None:
    keys = keyed_hashes(secret, pl.Series(messages, dtype=pl.Utf8)).to_list()
    assert len(set(keys)) == len(messages)
    assert keys == [keyed_hash(secret, m) for m in messages]


@settings(max_examples=100, derandomize=True)
@given(
    secrets_pair=st.lists(secrets, min_size=2, max_size=2, unique=True),
    message=texts,
)
def test_another_secret_gives_another_key(secrets_pair: list[bytes], message: str) -> None:
    a, b = secrets_pair
    assert keyed_hash(a, message) != keyed_hash(b, message)


identifier_chars = st.sampled_from("abcXYZ0123 ")


@settings(max_examples=100, derandomize=True)
@given(value=st.text(identifier_chars, min_size=1, max_size=12), data=st.data())
def test_case_and_spaces_do_not_change_an_identifier(value: str, data: st.DataObject) -> None:
    variant = "".join(
        data.draw(st.sampled_from([c.upper(), c.lower(), f" {c}", f"{c}  "])) for c in value
    )
    normal = pl.DataFrame({"v": [value, variant]}).select(normalise_identifier(pl.col("v")))
    assert normal["v"][0] == normal["v"][1]


# -- linkage against a reference ------------------------------------------------------------------

POOL = {
    "ni": ["N1", "N2", "N3", "N4"],
    "reg": ["R1", "R2", "R3"],
    "staff": ["S1", "S2", "S3", "S4"],
}


@st.composite
def staff_rows(draw: st.DrawFn) -> list[dict[str, str | None]]:
    n = draw(st.integers(1, 12))
    rows = []
    for _ in range(n):
        rows.append(
            {
                "organisation_code": draw(st.sampled_from(["ORG1", "ORG2"])),
                "staff_number": draw(st.sampled_from(POOL["staff"])),
                "ni_number": draw(st.none() | st.sampled_from(POOL["ni"])),
                "registration_number": draw(st.none() | st.sampled_from(POOL["reg"])),
            }
        )
    return rows


def messages_of(r: dict[str, str | None]) -> list[tuple[int, str]]:
    """(strength, message) of each identifier a row gives."""
    out = []
    if r["ni_number"]:
        out.append((0, f"ni:{r['ni_number']}"))
    if r["registration_number"]:
        out.append((1, f"reg:{r['registration_number']}"))
    out.append((2, f"staff:{r['organisation_code']}:{r['staff_number']}"))
    return out


def reference_person_keys(rows: list[dict[str, str | None]], known: dict[str, str]) -> list[str]:
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, r in enumerate(rows):
        for _, m in messages_of(r):
            j = first_with.setdefault(m, i)
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    person: dict[int, str] = {}
    for root, members in groups.items():
        known_candidates = [
            (s, i, known[keyed_hash(SECRET, m)])
            for i in members
            for s, m in messages_of(rows[i])
            if keyed_hash(SECRET, m) in known
        ]
        if known_candidates:
            person[root] = min(known_candidates)[2]
        else:
            strongest = min(
                (min(messages_of(rows[i]))[0], i, min(messages_of(rows[i]))[1]) for i in members
            )
            person[root] = keyed_hash(SECRET, f"person:{strongest[2]}")
    return [person[find(i)] for i in range(len(rows))]


def run_link(rows: list[dict[str, str | None]], known: dict[str, str]) -> list[str]:
    frame = pl.DataFrame(rows, schema={k: pl.Utf8 for k in rows[0]}).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW)
    )
    linked = link_persons(
        frame,
        SECRET,
        lambda keys: {k: known[k] for k in keys if k in known},
        ProblemLog("x.csv"),
        {},
    )
    assert not set(linked.frame.columns) & {"staff_number", "ni_number", "registration_number"}
    return linked.frame["person_key"].to_list()


@settings(max_examples=150, derandomize=True, deadline=None)
@given(rows=staff_rows())
def test_linkage_matches_the_reference(rows: list[dict[str, str | None]]) -> None:
    assert run_link(rows, {}) == reference_person_keys(rows, {})


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    rows=staff_rows(), known_ids=st.sets(st.sampled_from(POOL["ni"] + POOL["staff"]), max_size=3)
)
def test_linkage_with_known_people_matches_the_reference(
    rows: list[dict[str, str | None]], known_ids: set[str]
) -> None:
    known = {}
    for value in sorted(known_ids):
        message = f"ni:{value}" if value.startswith("N") else f"staff:ORG1:{value}"
        known[keyed_hash(SECRET, message)] = hashlib.sha256(value.encode()).hexdigest()
    assert run_link(rows, known) == reference_person_keys(rows, known)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(rows=staff_rows(), data=st.data())
def test_the_order_of_rows_does_not_change_who_is_who(
    rows: list[dict[str, str | None]], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(rows))))
    keys = run_link(rows, {})
    shuffled = run_link([rows[i] for i in order], {})
    # the same rows are grouped together (keys of new people may name another group member)
    same = {(i, j) for i in range(len(rows)) for j in range(len(rows)) if keys[i] == keys[j]}
    position = {original: new for new, original in enumerate(order)}
    same_shuffled = {
        (i, j)
        for i in range(len(rows))
        for j in range(len(rows))
        if shuffled[position[i]] == shuffled[position[j]]
    }
    assert same == same_shuffled
