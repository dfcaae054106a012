"""Which array library runs the steps: numpy (the default), or CuPy on a GPU when asked.

CuPy is imported only when asked for, so nothing GPU-related loads with the package; asking for
it where it is missing or has no GPU is a user error with the fix in the message.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from careforce.domain.errors import UserError

BACKENDS = ("numpy", "cupy", "numba")


def array_namespace(backend: str) -> Any:
    """The `xp` module for a backend name: numpy for "numpy" (and "numba"), cupy for "cupy"."""
    if backend not in BACKENDS:
        raise UserError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend != "cupy":
        return np
    try:
        cupy = importlib.import_module("cupy")
        cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # ImportError, or CUDA's error when no GPU is present
        raise UserError(
            "the cupy backend needs CuPy and an NVIDIA GPU (install careforce[gpu]); "
            f"use backend 'numba' or 'numpy' on this machine ({type(error).__name__}: {error})"
        ) from error
    return cupy


def to_numpy(array: Any) -> np.ndarray:
    """A numpy copy of a numpy or CuPy array (CuPy arrays are brought back from the GPU)."""
    if isinstance(array, np.ndarray):
        return array
    return np.asarray(array.get())
