"""Pseudonymisation and linkage of staff identifiers (METHODS section 9).

Each identifier (national insurance number, professional registration, employer staff number) is
normalised (upper-case, no spaces) and replaced by a keyed hash: HMAC-SHA256(secret,
"<kind>:<value>"), kind `ni`, `reg` or `staff`, where a staff value is "<organisation code>:<staff
number>" because staff numbers are unique only within an employer. Raw identifiers go no further
than this module.

A row's person is found through its identifiers: rows that share any identifier (in this file, or
through keys the database already knows) are one person. A person already known keeps their key
(when a file shows two known people to be one, the one known by the stronger identifier wins); a
new person's key is HMAC-SHA256(secret, "person:<kind>:<value>") of their strongest identifier
(NI number, then registration, then staff number). So the same NI number in two employers'
extracts gives one person, counted once in headcount, with FTE summed over posts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from careforce.ingest.problems import ROW, ProblemLog, rows_preview_expr

# strength order: an earlier kind wins when a person's identifiers disagree on who they are
IDENTIFIER_FIELDS = {"ni_number": "ni", "registration_number": "reg", "staff_number": "staff"}
NO_STAFF_RECORD = "no staff record for this person; import their staff extract first"
_BLOCK = 64  # SHA-256 block size in bytes
_INNER = bytes(x ^ 0x36 for x in range(256))
_OUTER = bytes(x ^ 0x5C for x in range(256))


def keyed_hasher(secret: bytes) -> Callable[[bytes], str]:
    """HMAC-SHA256 under `secret` (RFC 2104), as 64 lower-case hex characters.

    Built from two precomputed SHA-256 states, which is about twice as fast per message as
    `hmac.new` for the short messages hashed here; a unit test checks it against `hmac`.
    """
    key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret
    key = key.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(key.translate(_INNER))
    outer = hashlib.sha256(key.translate(_OUTER))

    def digest(message: bytes) -> str:
        i = inner.copy()
        i.update(message)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return digest


def keyed_hash(secret: bytes, message: str) -> str:
    """HMAC-SHA256(secret, message) as hex."""
    return keyed_hasher(secret)(message.encode("utf-8"))


def keyed_hashes(secret: bytes, messages: pl.Series) -> pl.Series:
    """keyed_hash of each message (null stays null)."""
    digest = keyed_hasher(secret)
    encoded: Iterable[bytes | None] = messages.cast(pl.Binary).to_list()
    return pl.Series(
        messages.name,
        [None if m is None else digest(m) for m in encoded],
        dtype=pl.Utf8,
    )


def identifier_messages(frame: pl.DataFrame) -> dict[str, pl.Expr]:
    """kind -> the text hashed for it ("ni:AB123456C"), for the identifier columns present."""
    out: dict[str, pl.Expr] = {}
    for field, kind in IDENTIFIER_FIELDS.items():
        if field not in frame.columns:
            continue
        value = pl.col(field)
        if kind == "staff":
            value = pl.col("organisation_code") + ":" + value
        out[kind] = pl.lit(f"{kind}:") + value
    return out


@dataclass(frozen=True)
class Linked:
    """The rows with `person_key` (null where no person was found) and no raw identifier left."""

    frame: pl.DataFrame
    person_identifiers: pl.DataFrame  # identifier_key, person_key
    person_merges: tuple[tuple[str, str], ...]  # (person key the database had, key it becomes)


def link_persons(
    frame: pl.DataFrame,
    secret: bytes,
    resolve: Callable[[Sequence[str]], Mapping[str, str]],
    log: ProblemLog,
    headers: Mapping[str, str],
    *,
    known_only: bool = False,
) -> Linked:
    """Replace the identifier columns by `person_key`.

    `known_only` (training, approvals): a person must already be known to the database; a row
    that is not is a problem, never a new person.
    """
    messages = identifier_messages(frame)
    kinds = list(messages)
    n = frame.height
    if n == 0 or not kinds:
        empty = pl.DataFrame(schema={"identifier_key": pl.Utf8, "person_key": pl.Utf8})
        dropped = [f for f in IDENTIFIER_FIELDS if f in frame.columns]
        out = frame.drop(dropped).with_columns(pl.lit(None, dtype=pl.Utf8).alias("person_key"))
        return Linked(out, empty, ())
    rows = pl.int_range(n, dtype=pl.Int64).alias("_i")
    # one edge per identifier given in a row; `s` is its strength (0 strongest)
    edges = pl.concat(
        [
            frame.select(rows, pl.lit(s, pl.Int64).alias("s"), m.alias("msg"))
            for s, m in enumerate(messages.values())
        ]
    ).drop_nulls("msg")
    nodes = _nodes(edges, secret, resolve)
    edges = edges.join(nodes.select("msg", "node", "known"), on="msg").drop("msg")
    rank = _initial_rank(edges, n, known_only)
    labels = _propagate(rank, edges.select("_i", "node"))
    # each linked group takes the person of its best row (known before new, stronger first)
    labels = labels.with_columns(
        (pl.col("rank") % n).alias("_rep"), (pl.col("rank") // n).alias("_c")
    )
    people = _group_person_keys(labels, edges, nodes, secret)
    labels = labels.join(people, on="_rep", how="left")
    out = frame.with_columns(rows).join(
        labels.select("_i", "_rep", "person_key"), on="_i", how="left", maintain_order="left"
    )
    _report_conflicts(out, edges, kinds, log, headers)
    if known_only:
        with_ids = edges.select("_i").unique()
        unresolved = out.join(with_ids, on="_i", how="semi").filter(pl.col("person_key").is_null())
        log.add_rows(unresolved, column=None, reason=NO_STAFF_RECORD)
    of_row = out.select("_i", "person_key")
    placed = edges.join(of_row, on="_i").drop_nulls("person_key")
    identifiers = (
        placed.unique("node", keep="first")
        .join(nodes.select("node", pl.col("key").alias("identifier_key")), on="node")
        .sort("_i", "s")
        .select("identifier_key", "person_key")
    )
    merges = (
        placed.filter(pl.col("known").is_not_null() & (pl.col("known") != pl.col("person_key")))
        .sort("_i")
        .select("known", "person_key")
        .unique(maintain_order=True)
    )
    dropped = ["_i", "_rep", *(f for f in IDENTIFIER_FIELDS if f in out.columns)]
    return Linked(out.drop(dropped), identifiers, tuple(merges.iter_rows()))


def _nodes(
    edges: pl.DataFrame, secret: bytes, resolve: Callable[[Sequence[str]], Mapping[str, str]]
) -> pl.DataFrame:
    """Each distinct identifier once: msg, node (an integer id), key (its hash), known person."""
    nodes = edges.select("msg").unique(maintain_order=True)
    nodes = nodes.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("node"),
        keyed_hashes(secret, nodes["msg"]).alias("key"),
    )
    known = dict(resolve(nodes["key"].to_list())) if nodes.height else {}
    if not known:
        return nodes.with_columns(pl.lit(None, dtype=pl.Utf8).alias("known"))
    found = pl.DataFrame(
        {"key": list(known), "known": list(known.values())},
        schema={"key": pl.Utf8, "known": pl.Utf8},
    )
    return nodes.join(found, on="key", how="left", maintain_order="left")


def _initial_rank(edges: pl.DataFrame, n: int, known_only: bool) -> pl.DataFrame:
    """_i, rank: the order in which a row's candidate person is preferred within its group.

    A known person (by the strength of the identifier that found them) comes before a new one (by
    the strength of the row's strongest identifier), and an earlier row before a later one; rank
    // n tells which, rank % n is the row. With `known_only`, rows of new people have no rank.
    """
    n_kinds = len(IDENTIFIER_FIELDS)
    per_row = edges.group_by("_i").agg(
        pl.col("s").filter(pl.col("known").is_not_null()).min().alias("ks"),
        pl.col("s").min().alias("ns"),
    )
    rank = pl.col("ks") * n + pl.col("_i")
    if not known_only:
        rank = pl.coalesce(rank, (pl.col("ns") + n_kinds) * n + pl.col("_i"))
    return per_row.select("_i", rank.alias("rank")).drop_nulls("rank")


def _propagate(labels: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """Smallest rank over each group of rows linked by shared identifiers (label propagation).

    Only identifiers shared by two or more rows link anything, so the loop runs over those
    alone; it stops when no label changes (as many rounds as the longest chain of links).
    """
    shared = edges.filter(pl.len().over("node") > 1)
    if shared.height == 0:
        return labels
    # rows without a rank of their own (unknown people, when only known ones count) can take one
    current = shared.select("_i").unique().join(labels, on="_i", how="left")
    while True:
        by_node = shared.join(current, on="_i").group_by("node").agg(pl.col("rank").min())
        by_row = shared.join(by_node, on="node").group_by("_i").agg(pl.col("rank").min().alias("r"))
        joined = current.join(by_row, on="_i", how="left")
        better = pl.col("r").is_not_null() & (
            pl.col("rank").is_null() | (pl.col("r") < pl.col("rank"))
        )
        changed = bool(joined.select(better.any()).item())
        current = joined.select("_i", pl.min_horizontal("rank", "r").alias("rank"))
        if not changed:
            break
    rest = labels.join(current, on="_i", how="anti")
    return pl.concat([rest, current.drop_nulls("rank")])


def _group_person_keys(
    labels: pl.DataFrame,
    edges: pl.DataFrame,
    nodes: pl.DataFrame,
    secret: bytes,
) -> pl.DataFrame:
    """_rep -> person_key: the representative row's known person, or a new person's key."""
    n_kinds = len(IDENTIFIER_FIELDS)
    reps = labels.filter(pl.col("_i") == pl.col("_rep")).select("_rep", "_c")
    # the identifier that decided: of strength _c (known) or _c - n_kinds (new)
    chosen = reps.with_columns(
        pl.when(pl.col("_c") < n_kinds)
        .then(pl.col("_c"))
        .otherwise(pl.col("_c") - n_kinds)
        .alias("s")
    ).join(edges.select(pl.col("_i").alias("_rep"), "s", "node"), on=["_rep", "s"], how="left")
    chosen = chosen.join(nodes.select("node", "msg", "known"), on="node", how="left")
    new = chosen.filter(pl.col("_c") >= n_kinds)
    new = new.with_columns(keyed_hashes(secret, "person:" + new["msg"]).alias("person_key"))
    known = chosen.filter(pl.col("_c") < n_kinds).select(
        "_rep", pl.col("known").alias("person_key")
    )
    return pl.concat([known, new.select("_rep", "person_key")])


def _report_conflicts(
    out: pl.DataFrame,
    edges: pl.DataFrame,
    kinds: list[str],
    log: ProblemLog,
    headers: Mapping[str, str],
) -> None:
    """Rows linked into one person by a shared identifier, yet with different NI numbers."""
    if "ni" not in kinds:
        return
    ni = kinds.index("ni")
    clash = (
        edges.filter(pl.col("s") == ni)
        .select("_i", "node")
        .join(out.select("_i", ROW, "_rep").drop_nulls("_rep"), on="_i")
        .filter(pl.col("node").n_unique().over("_rep") > 1)
    )
    if clash.height == 0:
        return
    # the first row of each NI number in the group, for up to 12 NI numbers a group
    firsts = (
        clash.group_by("_rep", "node")
        .agg(pl.col(ROW).min().alias("_first"))
        .sort("_first")
        .group_by("_rep")
        .agg(pl.struct("node", "_first").head(12).alias("_firsts"))
    )
    pairs = (
        clash.join(firsts, on="_rep")
        .explode("_firsts")
        .unnest("_firsts", separator=".")
        .filter(pl.col("_firsts.node") != pl.col("node"))
        .group_by(ROW)
        .agg(pl.col("_firsts._first").sort().alias("_others"))
        .sort(ROW)
    )
    log.add_rows(
        pairs,
        column=headers.get("ni_number", "NI Number"),
        reason=pl.format(
            "this row shares an identifier with row {}, which has a different NI number: one "
            "person cannot have two; check the staff number and NI number",
            rows_preview_expr(pl.col("_others")),
        ),
    )
