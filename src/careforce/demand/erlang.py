"""Erlang C staffing for queueing services, and the M/M/s queue measures (METHODS section 3).

Notation: `agents` N (staff on duty, servers), `load` A = arrivals per hour x handling minutes / 60
(offered load in Erlangs), handling time T_h, target answer time T_t.

The Erlang C probability of waiting is computed in log space from the Poisson form of Erlang B,
`B(N, A) = pmf(N; A) / cdf(N; A)`, then `C = N B / (N - A (1 - B))`. No factorial or power is ever
formed, so it holds for thousands of agents and loads (checked against the Erlang B recursion in
the tests). Every function broadcasts its arguments with numpy.

Conventions at the edges, kept in one place:
- N <= A (the queue grows without end): C = 1, service level 0, mean wait infinite.
- A = 0 (nobody arrives): C = 0, service level 1, mean wait 0, and no agents are needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaincc, gammaln

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_MAX_DOUBLINGS = 62  # far beyond any staffing: the search stops with an error instead of looping


def offered_load(arrivals_per_hour: npt.ArrayLike, handling_minutes: npt.ArrayLike) -> FloatArray:
    """A = arrivals per hour x handling minutes / 60, in Erlangs."""
    return (
        np.asarray(arrivals_per_hour, dtype=np.float64)
        * np.asarray(handling_minutes, dtype=np.float64)
        / 60.0
    )


def _erlang_c(agents: FloatArray, load: FloatArray) -> FloatArray:
    """C(N, A) where N > A > 0; other elements are left as NaN for the caller to mask."""
    with np.errstate(all="ignore"):
        log_pmf = agents * np.log(load) - load - gammaln(agents + 1.0)
        blocking = np.exp(log_pmf) / gammaincc(agents + 1.0, load)
        waiting = agents * blocking / (agents - load * (1.0 - blocking))
    return np.clip(waiting, 0.0, 1.0)


def probability_of_waiting(agents: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    """Erlang C: the probability that an arrival waits, C(N, A); 1.0 where N <= A, 0.0 where
    A = 0 (nobody arrives). Agents are whole numbers in practice; the formula takes any N >= 0."""
    n, a = np.broadcast_arrays(
        np.asarray(agents, dtype=np.float64), np.asarray(load, dtype=np.float64)
    )
    if np.any(a < 0) or np.any(n < 0) or not np.all(np.isfinite(a)):
        raise ValueError("agents and load must be finite and not negative")
    stable = (n > a) & (a > 0)
    out = np.where(a > 0, 1.0, 0.0)
    out[stable] = _erlang_c(n[stable], a[stable])
    return out


def service_level(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    handling_minutes: npt.ArrayLike,
    answer_seconds: npt.ArrayLike,
) -> FloatArray:
    """Share answered within the target time: `1 - C x exp(-(N - A) x T_t / T_h)`; 0 where
    N <= A, 1 where A = 0."""
    n, a, th, tt = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (agents, load, handling_minutes, answer_seconds))
    )
    c = probability_of_waiting(n, a)
    with np.errstate(all="ignore"):
        level = 1.0 - c * np.exp(-(n - a) * (tt / 60.0) / th)
    level = np.where(n > a, level, 0.0)
    return np.clip(np.where(a > 0, level, 1.0), 0.0, 1.0)


def mean_wait_seconds(
    agents: npt.ArrayLike, load: npt.ArrayLike, handling_minutes: npt.ArrayLike
) -> FloatArray:
    """Average speed of answer over all arrivals: `C x T_h / (N - A)`, in seconds; infinite
    where N <= A, 0 where A = 0."""
    n, a, th = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (agents, load, handling_minutes))
    )
    c = probability_of_waiting(n, a)
    with np.errstate(all="ignore"):
        wait = c * th * 60.0 / (n - a)
    wait = np.where(n > a, wait, np.inf)
    return np.where(a > 0, wait, 0.0)


def _smallest_agents(load: FloatArray, meets: Callable[[IntArray], BoolArray]) -> IntArray:
    """The smallest whole N > A for which `meets(N)` holds, for every element at once, where
    `meets` is monotone in N: gallop up from floor(A) + 1, then bisect. The loops run over
    doublings and halvings (a few dozen at most), never over elements."""
    low = np.floor(load).astype(np.int64)  # fails: N <= A never meets a target
    step = np.ones_like(low)
    high = low + step
    ok = np.asarray(meets(high), dtype=bool)
    for _ in range(_MAX_DOUBLINGS):
        if ok.all():
            break
        low = np.where(ok, low, high)
        step = np.where(ok, step, step * 2)
        high = low + step
        ok = ok | np.asarray(meets(high), dtype=bool)
    if not ok.all():
        raise ValueError("no number of agents meets the target")
    while np.any(high - low > 1):
        middle = (low + high) // 2
        good = np.asarray(meets(middle), dtype=bool)
        high = np.where(good, middle, high)
        low = np.where(good, low, middle)
    return high


def _check_staffing_arguments(
    arrivals: FloatArray, handling: FloatArray, answer: FloatArray, target: FloatArray
) -> None:
    if not (np.all(np.isfinite(arrivals)) and np.all(arrivals >= 0)):
        raise ValueError("arrivals per hour must be finite and not negative")
    if not (np.all(np.isfinite(handling)) and np.all((handling > 0) | (arrivals == 0))):
        raise ValueError("handling minutes must be above 0 where there are arrivals")
    if not (np.all(np.isfinite(answer)) and np.all(answer >= 0)):
        raise ValueError("answer seconds must be finite and not negative")
    if not np.all((target > 0) & (target < 1)):
        raise ValueError("the service level target must be above 0 and below 1")


def agents_needed(
    arrivals_per_hour: npt.ArrayLike,
    handling_minutes: npt.ArrayLike,
    answer_seconds: npt.ArrayLike,
    service_level_target: npt.ArrayLike,
) -> IntArray:
    """Staff on duty: the smallest N > A with service level >= target (METHODS 3), element by
    element over the broadcast arguments; 0 where there are no arrivals."""
    arrivals, handling, answer, target = np.broadcast_arrays(
        *(
            np.asarray(x, dtype=np.float64)
            for x in (arrivals_per_hour, handling_minutes, answer_seconds, service_level_target)
        )
    )
    _check_staffing_arguments(arrivals, handling, answer, target)
    busy = arrivals > 0
    out = np.zeros(arrivals.shape, dtype=np.int64)
    if not busy.any():
        return out
    a, th, tt, sl = (
        arrivals[busy] * handling[busy] / 60.0,
        handling[busy],
        answer[busy],
        target[busy],
    )
    out[busy] = _smallest_agents(a, lambda n: service_level(n, a, th, tt) >= sl)
    return out


def agents_for_waiting_probability(
    load: npt.ArrayLike, max_probability_of_waiting: npt.ArrayLike
) -> IntArray:
    """The smallest N > A with C(N, A) <= the target probability of waiting; 0 where A = 0."""
    a, p = np.broadcast_arrays(
        np.asarray(load, dtype=np.float64), np.asarray(max_probability_of_waiting, np.float64)
    )
    if not np.all((p > 0) & (p < 1)):
        raise ValueError("the probability of waiting target must be above 0 and below 1")
    if not (np.all(np.isfinite(a)) and np.all(a >= 0)):
        raise ValueError("load must be finite and not negative")
    out = np.zeros(a.shape, dtype=np.int64)
    busy = a > 0
    if busy.any():
        ab, pb = a[busy], p[busy]
        out[busy] = _smallest_agents(ab, lambda n: probability_of_waiting(n, ab) <= pb)
    return out


def load_capacity(
    agents: npt.ArrayLike, max_probability_of_waiting: npt.ArrayLike, *, iterations: int = 80
) -> FloatArray:
    """The largest load N agents carry with C(N, A) <= the target: C rises with A, so bisect on
    A in [0, N]. 80 halvings leave an error far below a millionth of an Erlang."""
    n, p = np.broadcast_arrays(
        np.asarray(agents, dtype=np.float64), np.asarray(max_probability_of_waiting, np.float64)
    )
    if not np.all((p > 0) & (p < 1)):
        raise ValueError("the probability of waiting target must be above 0 and below 1")
    low, high = np.zeros_like(n), n.copy()
    for _ in range(iterations):
        middle = (low + high) / 2.0
        good = probability_of_waiting(n, middle) <= p
        low, high = np.where(good, middle, low), np.where(good, high, middle)
    return low


@dataclass(frozen=True, slots=True)
class ErlangStaffing:
    """Staff on duty for one queue, with what that staffing achieves."""

    agents: int
    service_level: float
    probability_of_waiting: float
    mean_wait_seconds: float


def staffing(
    arrivals_per_hour: float,
    handling_minutes: float,
    answer_seconds: float,
    service_level_target: float,
) -> ErlangStaffing:
    """`agents_needed` for one queue, with its achieved service level, probability of waiting
    and mean wait (all 1, 0, 0 when nobody arrives)."""
    n = int(
        agents_needed(arrivals_per_hour, handling_minutes, answer_seconds, service_level_target)
    )
    a = float(offered_load(arrivals_per_hour, handling_minutes))
    return ErlangStaffing(
        agents=n,
        service_level=float(service_level(n, a, handling_minutes, answer_seconds)),
        probability_of_waiting=float(probability_of_waiting(n, a)),
        mean_wait_seconds=float(mean_wait_seconds(n, a, handling_minutes)),
    )


@dataclass(frozen=True, slots=True)
class QueueMeasures:
    """The M/M/s measures (arrays, broadcast over the arguments); times in hours.

    `offered_load` r = lambda / mu, `utilisation` rho = r / s, `p0` the probability that the
    system is empty, `lq` and `l` the mean numbers waiting and in the system, `wq` and `w` the mean
    times waiting and in the system (Little's law). Infinite where s <= r.
    """

    servers: FloatArray
    offered_load: FloatArray
    utilisation: FloatArray
    p0: FloatArray
    probability_of_waiting: FloatArray
    lq: FloatArray
    l: FloatArray
    wq_hours: FloatArray
    w_hours: FloatArray


def mms_queue(
    arrivals_per_hour: npt.ArrayLike, mean_service_minutes: npt.ArrayLike, servers: npt.ArrayLike
) -> QueueMeasures:
    """M/M/s with Poisson arrivals, exponential service and `servers` in parallel.

    P0 comes from Erlang C without any power or factorial:
    `P0 = C x s! (1 - rho) / r^s`, evaluated in logs. Arrivals must be above 0.
    """
    lam, minutes, s = np.broadcast_arrays(
        *(
            np.asarray(x, dtype=np.float64)
            for x in (arrivals_per_hour, mean_service_minutes, servers)
        )
    )
    if np.any(lam <= 0) or np.any(minutes <= 0) or np.any(s < 1):
        raise ValueError("arrivals and service time must be above 0, servers at least 1")
    r = lam * minutes / 60.0
    rho = r / s
    c = probability_of_waiting(s, r)
    stable = s > r
    with np.errstate(all="ignore"):
        p0 = np.exp(np.log(c) + gammaln(s + 1.0) + np.log1p(-rho) - s * np.log(r))
        lq = c * r / (s - r)
    p0 = np.where(stable, p0, 0.0)
    lq = np.where(stable, lq, np.inf)
    wq = lq / lam
    return QueueMeasures(
        servers=s,
        offered_load=r,
        utilisation=rho,
        p0=p0,
        probability_of_waiting=c,
        lq=lq,
        l=lq + r,
        wq_hours=wq,
        w_hours=wq + minutes / 60.0,
    )
