"""Map a function over chunks of independent items: in this process, or as Dask tasks.

Results come back in input order wherever they run, so a deterministic function gives the
same output in one process, on a local cluster of worker processes or on a remote Dask
cluster (:mod:`salesflow.forecasting.cluster` decides which). Every task runs with one
BLAS/OpenMP thread, so ``n_jobs`` workers use ``n_jobs`` cores. (This matters beyond
oversubscription: statsmodels' optimizers make thousands of tiny BLAS calls, and a
multi-threaded OpenBLAS makes each one ten times slower on a busy machine.)

Other stages use the same front door: :func:`map_parts` runs one task per part (a supplier
group, a routing search) and :func:`map_chunks` cuts many small items into chunks first.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any, TypeVar

from salesflow.forecasting.cluster import current_session, dask_installed

_log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL_ITEMS = 64
"""Fewest items :func:`map_chunks` sends to workers by default: below, starting workers costs
more than the work."""

MIN_CHUNK_ITEMS = 16
"""Fewest items a chunk sent to the workers holds where there are enough: each task costs some
milliseconds of scheduling and transfer of its own, and a small map gains nothing from more
chunks than its items fill."""

MAX_CHUNK_ITEMS = 256
"""Most items a chunk sent to the workers holds: about 10 to 15 s of a worker's time for the
forecast's series here. A map ends when its last chunk does, and with chunks of a fixed share
of the items the other worker waited for up to a chunk's time: a minute on 100,000 series in
64 chunks."""

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` (items) as chunks finish."""

ChunkCallback = Callable[[int, list[Any]], None]
"""Called as ``on_chunk(start, results)`` as each chunk finishes: the index of the chunk's first
item and its results."""


def resolve_jobs(n_jobs: int | None) -> int:
    """``n_jobs`` as a worker count: ``None`` or ``-1`` mean every core.

    Raises
    ------
    ValueError
        If ``n_jobs`` is 0 or below -1.
    """
    cores = os.cpu_count() or 1
    if n_jobs is None or n_jobs == -1:
        return cores
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive integer or -1; got {n_jobs!r}")
    return n_jobs


def chunked(items: Sequence[T], n_chunks: int) -> list[list[T]]:
    """``items`` cut into at most ``n_chunks`` consecutive chunks of near-equal size."""
    if not items:
        return []
    n_chunks = max(1, min(n_chunks, len(items)))
    bounds = [round(i * len(items) / n_chunks) for i in range(n_chunks + 1)]
    return [list(items[bounds[i]:bounds[i + 1]]) for i in range(n_chunks)]


def worker_chunk_count(n_items: int, workers: int, chunks_per_worker: int = 32) -> int:
    """Chunks a map of ``n_items`` items is cut into for ``workers`` workers:
    ``chunks_per_worker`` each, more where those would hold over :data:`MAX_CHUNK_ITEMS` items,
    fewer where they would hold under :data:`MIN_CHUNK_ITEMS` (at least one)."""
    count = max(workers * chunks_per_worker, -(-n_items // MAX_CHUNK_ITEMS))
    return max(1, min(count, n_items // MIN_CHUNK_ITEMS))


def runs_here(n_items: int, n_jobs: int | None, min_parallel: int) -> bool:
    """Whether a map of ``n_items`` runs in this process: no scheduler address and one
    worker, or too few items for starting workers to pay (``min_parallel``)."""
    if current_session().remote:
        return n_items == 0
    if resolve_jobs(n_jobs) == 1 or n_items < min_parallel:
        return True
    if not dask_installed():
        _log.warning("dask.distributed is not installed: running in one process "
                     "(reinstall salesflow: dask[distributed] is one of its dependencies)")
        return True
    return False


def _run(func: Callable[[T, Any], R], parts: Sequence[T], shared: Any, here: bool,
         workers: int, done: Callable[[int, R], None], priority: int = 0) -> list[R]:
    """``func(part, shared)`` per part, here or as Dask tasks (of ``priority``);
    ``done(index, result)`` per finished part."""
    if not here:
        return current_session().map_parts(func, parts, shared, workers, done,
                                           priority=priority)
    from threadpoolctl import threadpool_limits

    results: list[R] = []
    with threadpool_limits(1):
        for index, part in enumerate(parts):
            results.append(func(part, shared))
            done(index, results[-1])
    return results


def map_parts(func: Callable[[T, Any], R], parts: Sequence[T], shared: Any,
              n_jobs: int | None = 1, progress: ProgressCallback | None = None,
              min_parallel: int = 2, priority: int = 0) -> list[R]:
    """``func(part, shared)`` for every part, one task each; results in ``parts`` order.

    ``func`` must be a module-level function without side effects (a task of a worker that
    dies is run again) and ``shared`` picklable: it travels once to every worker. With a
    scheduler address (``--scheduler``, ``SALESFLOW_SCHEDULER``) the tasks always go to that
    cluster; otherwise they run in this process when ``n_jobs`` is 1 or there are fewer than
    ``min_parallel`` parts, else on a local cluster of ``n_jobs`` worker processes (started
    once per command). ``progress(done, total)`` counts parts. On workers, tasks of a higher
    ``priority`` start before those of other maps running at the same time (Dask's
    priority; the default 0 is first come, first served).

    Raises
    ------
    SchedulerError
        If the scheduler cannot be reached (a user error).
    """
    total = len(parts)
    finished = 0

    def done(_index: int, _result: R) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, total)

    return _run(func, parts, shared, runs_here(total, n_jobs, min_parallel),
                resolve_jobs(n_jobs), done, priority)


def map_chunks(func: Callable[[list[T], Any], list[R]], items: Sequence[T], shared: Any,
               n_jobs: int | None = 1, progress: ProgressCallback | None = None,
               chunks_per_worker: int = 32, min_parallel: int = MIN_PARALLEL_ITEMS,
               on_chunk: ChunkCallback | None = None) -> list[R]:
    """``func(chunk, shared)`` over chunks of ``items``; results flattened in input order.

    Runs in this process when ``n_jobs`` is 1 or there are fewer than ``min_parallel`` items
    (starting workers would cost more than it saves) and no scheduler address is given;
    otherwise as Dask tasks, as :func:`map_parts`. ``progress(done, total)`` counts items.
    ``on_chunk(start, results)`` receives each chunk's results as it finishes, in the order
    the chunks finish (this process works on them while the workers go on). On workers the
    items are cut into ``chunks_per_worker`` chunks per worker: the last chunks leave a worker
    idle for up to a chunk's time (8 a worker left one idle for 35 s of a 390 s forecast on
    20,000 series, 32 for 12 s), but no chunk has more than :data:`MAX_CHUNK_ITEMS` items nor
    fewer than :data:`MIN_CHUNK_ITEMS` unless there are fewer
    (:func:`worker_chunk_count`).
    """
    total = len(items)
    workers = resolve_jobs(n_jobs)
    here = runs_here(total, n_jobs, min_parallel)
    chunks = chunked(items, max(1, min(total, 50)) if here
                     else worker_chunk_count(total, current_session().worker_count(workers),
                                             chunks_per_worker))
    starts = [0, *accumulate(len(chunk) for chunk in chunks)]
    finished = 0

    def done(index: int, results: list[R]) -> None:
        nonlocal finished
        finished += len(chunks[index])
        if on_chunk is not None:
            on_chunk(starts[index], results)
        if progress is not None:
            progress(finished, total)

    parts = _run(func, chunks, shared, here, workers, done)
    return [r for part in parts for r in part]
