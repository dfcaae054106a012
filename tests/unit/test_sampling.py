"""Named random streams and the distributions matched to 80% intervals (METHODS section 5)."""

from __future__ import annotations

import numpy as np
import pytest

from careforce.sampling import Kind, Uncertain, draw, generator, problem_with, uniforms
from careforce.sampling.intervals import beta_matching, quantile

RUNS = np.arange(40_001)


def drawn(value: Uncertain, kind: Kind, stream: str = "test.value", seed: int = 11) -> np.ndarray:
    return draw(value, kind, uniforms(seed, stream, RUNS), RUNS)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (Uncertain.interval(0.07, 0.09), Kind.SHARE),
        (Uncertain.interval(0.01, 0.6, central=0.2), Kind.SHARE),
        (Uncertain.interval(0.9, 0.999), Kind.SHARE),
        (Uncertain.interval(15.0, 25.0), Kind.POSITIVE),
        (Uncertain.interval(0.5, 40.0, central=3.0), Kind.POSITIVE),
        (Uncertain.interval(-0.01, 0.03), Kind.SIGNED),
    ],
)
def test_the_drawn_runs_have_the_interval_as_their_10th_and_90th_percentiles(
    value: Uncertain, kind: Kind
) -> None:
    runs = drawn(value, kind)[1:]
    q10, q90 = np.quantile(runs, [0.1, 0.9])
    width = value.high - value.low
    assert q10 == pytest.approx(value.low, abs=0.03 * width)
    assert q90 == pytest.approx(value.high, abs=0.03 * width)


def test_the_quantile_function_matches_the_interval_exactly() -> None:
    for value, kind in (
        (Uncertain.interval(0.2, 0.6), Kind.SHARE),
        (Uncertain.interval(4.0, 8.0), Kind.POSITIVE),
        (Uncertain.interval(-1.0, 2.0), Kind.SIGNED),
    ):
        low, high = quantile(value, kind, np.array([0.1, 0.9]))
        assert low == pytest.approx(value.low, rel=1e-6)
        assert high == pytest.approx(value.high, rel=1e-6)


def test_run_0_is_the_central_value_and_a_point_is_the_same_in_every_run() -> None:
    value = Uncertain.interval(10.0, 30.0, central=12.0)
    assert drawn(value, Kind.POSITIVE)[0] == 12.0
    assert np.all(drawn(Uncertain.point(0.4), Kind.SHARE) == 0.4)


def test_widening_an_interval_leaves_run_0_alone() -> None:
    value = Uncertain.interval(0.1, 0.3, central=0.15)
    narrow = drawn(value, Kind.SHARE)
    wide = drawn(value.widened(1.5), Kind.SHARE)
    assert narrow[0] == wide[0] == 0.15
    assert np.std(wide[1:]) > np.std(narrow[1:])


def test_uniforms_lie_strictly_between_0_and_1_and_look_uniform() -> None:
    u = uniforms(3, "stream", RUNS)
    assert u.min() > 0.0 and u.max() < 1.0
    assert u.mean() == pytest.approx(0.5, abs=0.01)
    assert np.histogram(u, bins=10, range=(0, 1))[0].min() > 0.09 * len(u)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.02


def test_a_stream_does_not_depend_on_other_streams_or_the_order_of_drawing() -> None:
    alone = uniforms(5, "demand.a.coverage", RUNS)
    uniforms(5, "demand.b.coverage", RUNS)  # another stream drawn before it
    after = uniforms(5, "demand.a.coverage", RUNS[::-1])[::-1]  # runs asked in reverse
    assert np.array_equal(alone, after)
    other = uniforms(5, "demand.b.coverage", RUNS)
    assert abs(np.corrcoef(alone, other)[0, 1]) < 0.02


def test_runs_split_into_chunks_give_the_same_values_as_one_call() -> None:
    runs = np.arange(100)
    whole = uniforms(9, "s", runs)
    parts = np.concatenate([uniforms(9, "s", runs[:50]), uniforms(9, "s", runs[50:])])
    assert np.array_equal(whole, parts)
    assert uniforms(9, "s", np.array([73]))[0] == whole[73]


def test_streams_are_deterministic_and_differ_by_seed_and_name() -> None:
    assert np.array_equal(uniforms(1, "s", RUNS[:10]), uniforms(1, "s", RUNS[:10]))
    assert not np.array_equal(uniforms(1, "s", RUNS[:10]), uniforms(2, "s", RUNS[:10]))
    assert not np.array_equal(uniforms(1, "s", RUNS[:10]), uniforms(1, "t", RUNS[:10]))


def test_known_values_do_not_change_between_versions() -> None:
    """The streams are part of the results' reproducibility: a change here changes every result."""
    assert uniforms(20261123, "demand.example", np.arange(3)).tolist() == [
        0.9925661908721459,
        0.5237569330055165,
        0.3745260406319369,
    ]


def test_generators_for_process_noise_depend_on_seed_stream_and_run_only() -> None:
    a = generator(4, "supply.leavers.rn", 7).random(3)
    assert np.array_equal(a, generator(4, "supply.leavers.rn", 7).random(3))
    assert not np.array_equal(a, generator(4, "supply.leavers.rn", 8).random(3))
    assert not np.array_equal(a, generator(4, "supply.leavers.hcsw", 7).random(3))


def test_intervals_a_kind_cannot_draw_are_explained() -> None:
    assert problem_with(Uncertain.interval(0.0, 0.2), Kind.SHARE) is not None
    assert problem_with(Uncertain.point(1.2), Kind.SHARE) is not None
    assert problem_with(Uncertain.interval(0.0, 5.0), Kind.POSITIVE) is not None
    assert problem_with(Uncertain.point(0.0), Kind.POSITIVE) is None
    assert problem_with(Uncertain.interval(-2.0, -1.0), Kind.SIGNED) is None
    with pytest.raises(ValueError, match="low <= central <= high"):
        Uncertain(5.0, 6.0, 7.0)


def test_beta_fits_are_cached() -> None:
    beta_matching.cache_clear()
    beta_matching(0.3, 0.5)
    beta_matching(0.3, 0.5)
    assert beta_matching.cache_info().hits == 1
