"""Run several OR-Tools searches side by side (one per core) and keep the best.

Each member of the portfolio is a :class:`~salesflow.optimizer.routing.ortools_search.
SearchStrategy` with its own seed (node permutation) and annealing temperatures; member 0
runs in the calling process, the others in worker processes. The best objective wins, ties
go to the lower member number, so the outcome depends only on the model, the limits and
what each member found.

Determinism: a member stops at ``limits.work_limit`` OR-Tools solutions (a work limit,
the same on any machine) or at the time limit, whichever comes first. When the work limit
ends every member, the same inputs and seed give the same routes; when the clock ends them,
a faster machine may find better ones.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.ortools_search import SearchStrategy, run_search
from salesflow.optimizer.routing.vrp_model import ModelSolution, VrpModel

ProgressCallback = Callable[[float], None]
"""Called with the fraction of the time limit used, at each improving solution."""

MIN_PARALLEL_VISITS = 60
"""Models with fewer visits run member 0 only, in the calling process: they end on the work
limit within a second or two, less than starting a worker process costs."""

#: Temperature pairs (initial, final, in mean arc costs) of successive portfolio members.
_TEMPERATURES = ((2.7, 0.008), (0.8, 0.0027), (5.4, 0.016), (1.35, 0.004))


def searched_in_parallel(model: VrpModel) -> bool:
    """Whether ``model`` is large enough for more than one member (at least
    :data:`MIN_PARALLEL_VISITS` visits)."""
    return len(model.visits) >= MIN_PARALLEL_VISITS


def solution_limit(limits: SolveLimits) -> int | None:
    """The work limit of each member in OR-Tools solutions (``limits.work_limit``); ``None``
    stops on the clock only."""
    work = limits.work_limit
    return int(work) if work is not None and limits.has_work_limit else None


def portfolio(limits: SolveLimits) -> tuple[SearchStrategy, ...]:
    """The members for ``limits``: one per worker, each with its own seed and temperatures."""
    members = []
    for k in range(limits.workers):
        initial, final = _TEMPERATURES[k % len(_TEMPERATURES)]
        members.append(SearchStrategy(name=f"ils-sisr-{k}", seed=limits.seed * 16 + k,
                                      initial_temperature=initial, final_temperature=final))
    return tuple(members)


def _rank(solution: ModelSolution, member: int) -> tuple[int, float, int]:
    if solution.objective is None:
        return (1, math.inf, member)
    return (0, float(solution.objective), member)


def search_deadline(began: float, limits: SolveLimits) -> float:
    """When the searches of a solve started at ``began`` must return: the time limit less
    the time OR-Tools needs to finish its last iteration, the workers to answer and the
    caller to decode."""
    return began + limits.time_limit_seconds - min(1.5, 0.03 * limits.time_limit_seconds + 0.3)


def members_for(model: VrpModel, limits: SolveLimits,
                strategies: tuple[SearchStrategy, ...] | None = None
                ) -> tuple[SearchStrategy, ...]:
    """The members that search ``model``: ``strategies`` if given, else the portfolio of
    ``limits``, cut to member 0 for a model of fewer than :data:`MIN_PARALLEL_VISITS` visits."""
    members = strategies if strategies is not None else portfolio(limits)
    if strategies is None and not searched_in_parallel(model):
        members = members[:1]
    return members


def week_members(models: list[VrpModel], limits: SolveLimits, workers: int
                 ) -> list[tuple[SearchStrategy, ...]]:
    """The members of each of a week's day ``models`` when their searches share ``workers``
    processes: the week's rounds of ``workers`` searches are filled with one member per day
    first, and the slots left in the last round go to the first days as second (third...)
    members, at most the portfolio of ``limits`` per day. So ``workers`` days are searched
    side by side rather than each day by a portfolio of ``workers`` members one day after
    the other: 5 days on 2 workers take 3 time limits, not 5. A day of fewer than
    :data:`MIN_PARALLEL_VISITS` visits gets member 0 only and takes no slot."""
    members = portfolio(limits)
    large = [k for k, m in enumerate(models) if searched_in_parallel(m)]
    counts = [1] * len(models)
    if large:
        slots = -(-len(large) // workers) * workers
        for rank, k in enumerate(large):
            counts[k] = min(len(members), slots // len(large)
                            + (1 if rank < slots % len(large) else 0))
    return [members[:n] for n in counts]


def best_of(results: list[ModelSolution], runtime: float) -> ModelSolution:
    """The best members' solution (ties to the lower member), with the solve's ``runtime``."""
    best = min(range(len(results)), key=lambda k: _rank(results[k], k))
    chosen = results[best]
    return ModelSolution(chosen.routes, chosen.objective, chosen.dropped, chosen.status,
                         runtime, chosen.strategy, chosen.starts)


def solve_model(model: VrpModel, limits: SolveLimits,
                progress: ProgressCallback | None = None,
                strategies: tuple[SearchStrategy, ...] | None = None,
                started: float | None = None) -> ModelSolution:
    """Solve ``model`` with the portfolio of ``limits`` (or the given ``strategies``).

    Parameters
    ----------
    model:
        The model.
    limits:
        Time and work limits, seed, number of parallel searches.
    progress:
        Receives the fraction of the time limit used whenever member 0 improves.
    strategies:
        Run these members instead of :func:`portfolio` (one process each); without them a
        model of fewer than :data:`MIN_PARALLEL_VISITS` visits runs member 0 only.
    started:
        ``time.time()`` when the caller's clock started (e.g. before building the model);
        the time limit counts from there. Default: now.

    Returns
    -------
    ModelSolution
        The best member's solution, with the wall-clock runtime of the whole solve.
    """
    began = time.time() if started is None else started
    deadline = search_deadline(began, limits)
    members = members_for(model, limits, strategies)

    def report(_objective: int) -> None:
        if progress is not None:
            progress(min(1.0, (time.time() - began) / limits.time_limit_seconds))

    work = solution_limit(limits)
    results: list[ModelSolution] = []
    if len(members) == 1:
        results.append(run_search(model, members[0], deadline, work, report))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=len(members) - 1, mp_context=context) as pool:
            futures = [pool.submit(run_search, model, member, deadline, work)
                       for member in members[1:]]
            results.append(run_search(model, members[0], deadline, work,
                                      report))
            results.extend(f.result() for f in futures)
    return best_of(results, time.time() - began)
