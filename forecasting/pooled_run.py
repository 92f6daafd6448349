"""The pooled strategy's map over many series, and the choice from a sample of a large pool.

The pooled choice (:mod:`salesflow.forecasting.pooled_choice`) needs every candidate fitted
and backtested on the series that vote, but afterwards each series uses only the chosen
members (and its pool's quantile sources). On a large catalogue most of that work is spent on
candidates no series will use: on 100,000 weekly SKUs, 76,000 intermittent series fitted
eight candidates each and kept three. So a pool of more than ``limit`` series
(:data:`CHOICE_SAMPLE` by default) chooses on ``limit`` of them drawn at random (seeded:
the same input and seed draw the same sample on any number of workers); the rest of the pool
is fitted afterwards with the candidates the choice uses only. Every series is then
recombined from its pool's choice as before, so a series' forecast is the one a full fit
gives with the same choice; what the sample changes is only the data the choice is learnt on
(a pooled mean loss over 5,000 series, where the real development sets choose on 1,000 to
3,000).

The global model's fits can run beside the local map (:class:`GlobalInBackground`): each
series is finished with the global forecasts (:func:`~salesflow.forecasting.series_fit.
finish_pooled`) in the calling process as soon as both are there, while the workers go on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import pandas as pd

from salesflow.forecasting.classify import INTERMITTENT_CLASSES, classify_demand
from salesflow.forecasting.frame import SeriesSet
from salesflow.forecasting.gbm import GlobalGBM
from salesflow.forecasting.parallel import ProgressCallback, map_chunks
from salesflow.forecasting.pooled_choice import PoolChoice, PoolKey, pool_choices, pool_key
from salesflow.forecasting.series_fit import (
    ExternalForecast,
    FitSettings,
    LocalFit,
    SeriesFit,
    SeriesTask,
    finish_pooled,
    fit_local,
    fit_local_many,
    label_of,
)

#: Series of one pool fitted with every candidate for the pooled choice; a larger pool
#: chooses on a sample of this many (see the module docstring).
CHOICE_SAMPLE = 5000

External = dict[int, dict[str, ExternalForecast]]
"""The global models' forecasts by series position and model name."""
GlobalAnswer = tuple[External, GlobalGBM | None]


class GlobalInBackground:
    """The global models' forecasts computed by ``compute`` in a daemon thread (a Ctrl-C in
    the map does not wait for its tasks), or at once with ``background=False``."""

    def __init__(self, compute: Callable[[], GlobalAnswer], background: bool) -> None:
        self._answer: list[GlobalAnswer] = []
        self._errors: list[BaseException] = []
        self._ready = threading.Event()

        def run() -> None:
            try:
                self._answer.append(compute())
            except BaseException as exc:  # re-raised in the calling thread
                self._errors.append(exc)
            finally:
                self._ready.set()

        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=run, name="salesflow-global-model",
                                            daemon=True)
            self._thread.start()
        else:
            run()

    def ready(self) -> bool:
        """Whether the forecasts are there (not after an error)."""
        return self._ready.is_set() and bool(self._answer)

    def result(self) -> GlobalAnswer:
        """The forecasts, waiting for them; the computation's error is raised here."""
        if self._thread is not None:
            self._thread.join()
        if self._errors:
            raise self._errors[0]
        return self._answer[0]


def fit_pooled_map(series: SeriesSet, positions: Sequence[int], settings: FitSettings,
                   external: GlobalInBackground, n_jobs: int | None,
                   progress: ProgressCallback | None = None) -> list[SeriesFit]:
    """The series at ``positions`` fitted for the pooled strategy, in that order: the local
    candidates as a parallel map (:func:`~salesflow.forecasting.series_fit.fit_local_many`),
    each chunk finished here with the global forecasts as soon as both are there."""
    fits: list[SeriesFit | None] = [None] * len(positions)
    waiting: list[tuple[int, list[LocalFit]]] = []

    def finish_waiting() -> None:
        given = external.result()[0]
        while waiting:
            start, chunk = waiting.pop()
            for k, local in enumerate(chunk, start):
                i = positions[k]
                fits[k] = finish_pooled(local, series.values[i], given.get(i, {}), settings)

    def arrived(start: int, chunk: list[LocalFit]) -> None:
        waiting.append((start, chunk))
        if external.ready():
            finish_waiting()

    tasks = [SeriesTask(series.ids[i], series.values[i]) for i in positions]
    map_chunks(fit_local_many, tasks, settings, n_jobs=n_jobs, progress=progress,
               on_chunk=arrived)
    finish_waiting()
    return [cast(SeriesFit, fit) for fit in fits]


@dataclass(frozen=True)
class PoolSample:
    """Which series the pooled choice is learnt on.

    Attributes
    ----------
    full:
        Positions fitted with every candidate (all of each pool of at most the limit, the
        sample of a larger one), ascending.
    rest:
        Positions fitted with their pool's chosen candidates only, ascending.
    sizes:
        Per sampled pool: series in the sample and in the pool.
    """

    full: tuple[int, ...]
    rest: tuple[int, ...]
    sizes: Mapping[PoolKey, tuple[int, int]]


def sample_pools(values: Sequence[np.ndarray], settings: FitSettings, limit: int | None,
                 seed: int) -> PoolSample | None:
    """The sample of every pool of more than ``limit`` series (``limit`` of them, drawn
    without replacement by a generator seeded with ``seed``, pools in sorted order);
    ``None`` when no pool is larger, ``limit`` is ``None`` or the strategy is not pooled."""
    if limit is None or settings.strategy not in ("auto", "pooled"):
        return None
    pools: dict[PoolKey, list[int]] = {}
    for i, y in enumerate(values):
        key = pool_key(classify_demand(np.asarray(y, dtype=np.float64)), settings)
        pools.setdefault(key, []).append(i)
    large = sorted(key for key, members in pools.items() if len(members) > limit)
    if not large:
        return None
    rng = np.random.default_rng(seed)
    rest: list[int] = []
    for key in large:
        members = np.asarray(pools[key])
        drawn = np.zeros(members.size, dtype=bool)
        drawn[rng.choice(members.size, size=limit, replace=False)] = True
        rest.extend(members[~drawn].tolist())
    left = set(rest)
    return PoolSample(tuple(i for i in range(len(values)) if i not in left),
                      tuple(sorted(rest)),
                      {key: (limit, len(pools[key])) for key in large})


def restricted(settings: FitSettings, choices: Mapping[PoolKey, PoolChoice]) -> FitSettings:
    """``settings`` with each demand class's candidates cut to those its pool's choice uses
    (:meth:`~salesflow.forecasting.pooled_choice.PoolChoice.needs`), in their order."""
    candidates = dict(settings.candidates)
    for label, names in settings.candidates.items():
        choice = choices.get((label in INTERMITTENT_CLASSES, tuple(names)))
        if choice is not None:
            needed = choice.needs(label)
            candidates[label] = tuple(n for n in names if n in needed)
    return replace(settings, candidates=candidates)


def fit_sampled(series: SeriesSet, settings: FitSettings, sample: PoolSample,
                external: GlobalInBackground, n_jobs: int | None,
                progress: ProgressCallback | None = None
                ) -> tuple[list[SeriesFit], dict[PoolKey, PoolChoice]]:
    """The pooled strategy with the choice learnt on ``sample``: the sample's series fitted
    with every candidate, the pools' choices made on them, the rest fitted with what the
    choices use (a series whose members all failed is fitted again with every candidate, as
    a full fit would have it). Returns every series' fit (before the choice is applied) and
    the choices."""
    total = len(series.ids)

    def counted(offset: int) -> ProgressCallback | None:
        if progress is None:
            return None
        return lambda done, _count: progress(offset + done, total)

    fits: list[SeriesFit | None] = [None] * total
    first = fit_pooled_map(series, sample.full, settings, external, n_jobs, counted(0))
    for i, fit in zip(sample.full, first, strict=True):
        fits[i] = fit
    choices = pool_choices(first, [series.values[i] for i in sample.full], settings)
    narrow = restricted(settings, choices)
    second = fit_pooled_map(series, sample.rest, narrow, external, n_jobs,
                            counted(len(sample.full)))
    given = external.result()[0]
    for i, fit in zip(sample.rest, second, strict=True):
        key = pool_key(fit.demand, settings)
        choice = choices.get(key) or PoolChoice(key[1])
        if not any(n in fit.options for n in choice.members):
            local = fit_local(SeriesTask(series.ids[i], series.values[i]), settings)
            fit = finish_pooled(local, series.values[i], given.get(i, {}), settings)
        fits[i] = fit
    return [cast(SeriesFit, fit) for fit in fits], choices


POOL_COLUMNS = ("classes", "candidates", "series", "chosen_on", "model")


def pool_table(fits: Sequence[SeriesFit], settings: FitSettings,
               choices: Mapping[PoolKey, PoolChoice], sample: PoolSample | None
               ) -> pd.DataFrame:
    """One row per pool that chose: its demand ``classes`` and ``candidates`` (comma
    separated), its ``series``, the series it chose on (``chosen_on``: its sample, or all)
    and the chosen ``model`` (``median(...)`` of the members)."""
    classes: dict[PoolKey, set[str]] = {}
    counts: dict[PoolKey, int] = {}
    for fit in fits:
        if fit.options:
            key = pool_key(fit.demand, settings)
            classes.setdefault(key, set()).add(fit.demand.label)
            counts[key] = counts.get(key, 0) + 1
    sizes = sample.sizes if sample is not None else {}
    rows = [(",".join(sorted(classes.get(key, ()))), ",".join(key[1]), counts.get(key, 0),
             sizes[key][0] if key in sizes else counts.get(key, 0),
             label_of(choices[key].members))
            for key in sorted(choices)]
    return pd.DataFrame(rows, columns=list(POOL_COLUMNS))
