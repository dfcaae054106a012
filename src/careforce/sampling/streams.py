"""Named random streams: the uniform for run `r` of stream `n` is a hash of (seed, n, r).

Counter-based, so a run's value depends on nothing else: not on the order values are drawn in,
not on how runs are split into chunks, not on which other streams exist (METHODS section 5,
common random numbers). The stream name is hashed with BLAKE2b (stable across processes and
machines, unlike Python's `hash`), and the run index is mixed in by the SplitMix64 finaliser.
"""

from __future__ import annotations

import hashlib

import numpy as np

_GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_MASK_64 = (1 << 64) - 1


def stream_key(seed: int, stream: str) -> int:
    """A 64-bit key for (seed, stream name): BLAKE2b of both, so every stream gets its own key."""
    if not stream:
        raise ValueError("a random stream needs a name")
    digest = hashlib.blake2b(
        f"{seed & _MASK_64}\x1f{stream}".encode(), digest_size=16, person=b"careforce-rng"
    ).digest()
    return int.from_bytes(digest[:8], "little")


def _splitmix64(z: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser on uint64 (wrap-around arithmetic is intended)."""
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


def uniforms(seed: int, stream: str, runs: np.ndarray) -> np.ndarray:
    """Uniform numbers in (0, 1), one per run index in `runs` (any shape of whole numbers >= 0).

    The value for run r is the SplitMix64 output at counter r of the stream's key: 53 random bits,
    offset by half a step so that neither 0 nor 1 can occur (the quantile functions need neither).
    """
    index = np.asarray(runs)
    if index.size and (not np.issubdtype(index.dtype, np.integer) or index.min() < 0):
        raise ValueError("run indices are whole numbers from 0")
    key = np.uint64(stream_key(seed, stream))
    counter = index.astype(np.uint64) + np.uint64(1)
    with np.errstate(over="ignore"):
        bits = _splitmix64(key + counter * _GOLDEN_GAMMA)
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)


def generator(seed: int, stream: str, run: int) -> np.random.Generator:
    """A generator for process noise in one run of one stream, seeded from the same triple."""
    if run < 0:
        raise ValueError("run indices are whole numbers from 0")
    key = stream_key(seed, stream)
    entropy = [seed & _MASK_64, key & 0xFFFFFFFF, key >> 32, run]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
