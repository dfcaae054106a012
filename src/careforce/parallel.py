"""Executors for independent chunks of Monte Carlo runs: in this process, a process pool, or a Dask
cluster (an existing one at an address, or a local one started for the job).

Runs are independent and every run's random numbers depend only on (seed, stream name, run), so
the chunks can go anywhere and the joined result is identical to one run in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
IN_PROCESS = "in-process"
PROCESSES = "processes"
DASK_LOCAL = "dask-local"


def chunks_of(runs: int | np.ndarray, chunk_size: int) -> list[np.ndarray]:
    """Run indices split into chunks of at most `chunk_size`, in order."""
    index = np.arange(runs) if isinstance(runs, int) else np.asarray(runs, dtype=np.int64)
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    return [index[i : i + chunk_size] for i in range(0, len(index), chunk_size)]


def run_chunks(
    task: Callable[[np.ndarray], T],
    chunks: Sequence[np.ndarray],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
) -> list[T]:
    """`task(chunk)` for every chunk, results in chunk order.

    `scheduler`: None or "in-process" (here, one after another), "processes" (a local process
    pool), "dask-local" (a local Dask cluster started and stopped here) or the address of a
    running Dask scheduler (for example tcp://10.0.0.5:8786). `task` must be picklable (a
    top-level function or a functools.partial of one) for anything but in-process.
    """
    if scheduler in (None, IN_PROCESS) or (len(chunks) <= 1 and scheduler == PROCESSES):
        return [task(c) for c in chunks]
    count = workers or max(1, min(len(chunks), os.cpu_count() or 1))
    if scheduler == PROCESSES:
        # spawn, not fork: the numba kernel's thread pool must not be copied into a child
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=count, mp_context=spawn) as pool:
            return list(pool.map(task, chunks))
    return _run_on_dask(task, chunks, scheduler, count)


def _run_on_dask(
    task: Callable[[np.ndarray], T], chunks: Sequence[np.ndarray], scheduler: str, workers: int
) -> list[T]:
    from distributed import Client, LocalCluster

    cluster: Any = None
    if scheduler == DASK_LOCAL:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never clash with another cluster
            host="127.0.0.1",
        )
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout="30s")
    try:
        futures = client.map(task, list(chunks), pure=False)
        return list(client.gather(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
