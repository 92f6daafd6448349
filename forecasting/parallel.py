"""Map a function over chunks of independent items in worker processes.

Results come back in input order whatever the number of workers, so a deterministic function
gives the same output with 1 or 8 processes. Workers start from a fork server that has already
imported the forecasting code (fast start, no inherited threads) and use one BLAS/OpenMP
thread each, so ``n_jobs`` processes use ``n_jobs`` cores. (This matters beyond
oversubscription: statsmodels' optimizers make thousands of tiny BLAS calls, and a
multi-threaded OpenBLAS makes each one ten times slower on a busy machine.)
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` (items) as chunks finish."""

_PRELOAD = ["salesflow.forecasting.series_fit"]


def _limit_threads() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


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


def map_chunks(func: Callable[[list[T], Any], list[R]], items: Sequence[T], shared: Any,
               n_jobs: int = 1, progress: ProgressCallback | None = None,
               chunks_per_worker: int = 8, min_parallel: int = 64) -> list[R]:
    """``func(chunk, shared)`` over chunks of ``items``; results flattened in input order.

    Runs in this process when ``n_jobs`` is 1 or there are fewer than ``min_parallel`` items
    (starting workers would cost more than it saves).
    """
    total = len(items)
    workers = resolve_jobs(n_jobs)
    if workers == 1 or total < min_parallel:
        from threadpoolctl import threadpool_limits

        chunks = chunked(items, max(1, min(total, 50)))
        results: list[R] = []
        with threadpool_limits(1):
            for chunk in chunks:
                results.extend(func(chunk, shared))
                if progress is not None:
                    progress(len(results), total)
        return results
    chunks = chunked(items, workers * chunks_per_worker)
    out: list[list[R] | None] = [None] * len(chunks)
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                             initializer=_limit_threads) as pool:
        pending: dict[Future[list[R]], int] = {
            pool.submit(func, chunk, shared): i for i, chunk in enumerate(chunks)}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                out[index] = future.result()
                done += len(chunks[index])
                if progress is not None:
                    progress(done, total)
    return [r for chunk_result in out for r in (chunk_result or [])]
