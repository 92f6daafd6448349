"""Every candidate's forecasts of one series, packed until the pooled choice is made.

The ``pooled`` strategy keeps, per series, each candidate's final forecast and its forecast
at every backtest cut-off until the pool has chosen
(:mod:`~salesflow.forecasting.pooled_choice`). Kept as
:class:`~salesflow.forecasting.base.Prediction` objects that was 30.6 KB per series (a dozen
small arrays and dicts per candidate; about 3 GB on 100,000 series in the process that gathers
them). :class:`PackedOptions` holds the same numbers as one array per series (12.4 KB) and
builds a prediction only when asked for one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

import numpy as np

from salesflow.forecasting.base import LocalForecaster, Prediction

Option = tuple[Prediction, tuple[Prediction, ...], LocalForecaster | None]
"""A candidate's final forecast, its forecasts at the backtest cut-offs and (with
``keep_models``) its fitted model."""

_LEVELS: dict[tuple[float, ...], tuple[float, ...]] = {}


def _shared(levels: tuple[float, ...]) -> tuple[float, ...]:
    """One tuple object per set of quantile levels (a pickle then stores it once per chunk)."""
    return _LEVELS.setdefault(levels, levels)


@dataclass(frozen=True, eq=False)
class PackedOptions(Mapping[str, Option]):
    """The candidates' forecasts of one series: ``name -> (final, backtests, model)``.

    Attributes
    ----------
    names:
        The candidates, in the order they were fitted.
    counts:
        Predictions per candidate: the final one, then one per backtest cut-off.
    levels:
        Quantile levels of each prediction (candidates in order, each final first).
    data:
        One row per mean, standard deviation and quantile of each prediction, in that order.
    models:
        Each candidate's fitted model (``None`` unless the engine keeps models).
    """

    names: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()
    levels: tuple[tuple[float, ...], ...] = ()
    data: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    models: tuple[LocalForecaster | None, ...] = ()

    # -- Mapping ----------------------------------------------------------------------

    def __getitem__(self, name: str) -> Option:
        return self.final(name), self.backtests(name), self.model(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    # -- access -----------------------------------------------------------------------

    def _span(self, name: str) -> tuple[int, int]:
        """Index of the candidate's final prediction among all predictions, and its count
        of predictions."""
        try:
            k = self.names.index(name)
        except ValueError:
            raise KeyError(name) from None
        return self._first_predictions[k], self.counts[k]

    @cached_property
    def _first_predictions(self) -> tuple[int, ...]:
        """Index of each candidate's final prediction among all predictions."""
        return tuple(accumulate(self.counts[:-1], initial=0))

    @cached_property
    def _first_rows(self) -> tuple[int, ...]:
        """Row of :attr:`data` where each prediction starts (mean, sd, quantiles)."""
        return tuple(accumulate((2 + len(own) for own in self.levels[:-1]), initial=0))

    def _row(self, prediction: int) -> int:
        return self._first_rows[prediction]

    def _prediction(self, prediction: int, copy: bool) -> Prediction:
        row = self._row(prediction)
        take = (lambda r: self.data[r].copy()) if copy else (lambda r: self.data[r])
        return Prediction(take(row), take(row + 1),
                          {q: take(row + 2 + k) for k, q in enumerate(self.levels[prediction])})

    def final(self, name: str) -> Prediction:
        """The candidate's forecast on the whole history (arrays of its own)."""
        return self._prediction(self._span(name)[0], copy=True)

    def backtests(self, name: str) -> tuple[Prediction, ...]:
        """The candidate's forecasts at the backtest cut-offs (views of :attr:`data`)."""
        first, count = self._span(name)
        return tuple(self._prediction(p, copy=False) for p in range(first + 1, first + count))

    def backtest_windows(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The candidate's means and standard deviations at the backtest cut-offs, ``cut-offs x
        steps`` each (copies; the values of :meth:`backtests` without building them)."""
        first, count = self._span(name)
        rows = [self._first_rows[p] for p in range(first + 1, first + count)]
        return self.data[rows], self.data[[row + 1 for row in rows]]

    def backtest_quantiles(self, name: str, levels: Sequence[float]) -> np.ndarray | None:
        """The candidate's own quantiles at ``levels`` at the backtest cut-offs, ``cut-offs x
        levels x steps`` (a copy), or ``None`` unless it has every level at every cut-off."""
        first, count = self._span(name)
        rows: list[int] = []
        for p in range(first + 1, first + count):
            own = self.levels[p]
            if not all(q in own for q in levels):
                return None
            rows.extend(self._first_rows[p] + 2 + own.index(q) for q in levels)
        return self.data[rows].reshape(count - 1, len(levels), self.data.shape[1])

    def backtest_count(self, name: str) -> int:
        """Backtest cut-offs the candidate was forecast at (0 if it is not among them)."""
        return self.counts[self.names.index(name)] - 1 if name in self.names else 0

    def backtest_mean(self, name: str, window: int) -> np.ndarray:
        """The candidate's point forecast at backtest cut-off ``window`` (a view)."""
        if not 0 <= window < self.backtest_count(name):
            raise IndexError(f"{name} has no backtest window {window}")
        return self.data[self._row(self._span(name)[0] + 1 + window)]

    def model(self, name: str) -> LocalForecaster | None:
        """The candidate's fitted model, if kept."""
        return self.models[self.names.index(name)] if name in self.names else None


def pack_options(options: Mapping[str, Option]) -> PackedOptions:
    """``options`` as one array (see :class:`PackedOptions`).

    Raises
    ------
    ValueError
        If the predictions do not all have the same number of steps.
    """
    return repack(list(options.items()))


def repack(entries: Sequence[tuple[str, Option | PackedOptions]]) -> PackedOptions:
    """The named candidates, in this order, as one :class:`PackedOptions`: each given as an
    :data:`Option`, or as the packed options that hold it (its rows, levels and model are
    taken as they are, no prediction built).

    Raises
    ------
    ValueError
        If the predictions do not all have the same number of steps.
    """
    names: list[str] = []
    counts: list[int] = []
    levels: list[tuple[float, ...]] = []
    models: list[LocalForecaster | None] = []
    blocks: list[np.ndarray] = []
    rows: list[np.ndarray] = []  # of the given options since the last block

    def close_rows() -> None:
        if rows:
            if len({np.size(r) for r in rows}) != 1:
                raise ValueError("the predictions to pack differ in length")
            blocks.append(np.vstack([np.asarray(r, dtype=np.float64) for r in rows]))
            rows.clear()

    for name, source in entries:
        names.append(name)
        if isinstance(source, PackedOptions):
            close_rows()
            first, count = source._span(name)
            own = source.levels[first:first + count]
            start = source._row(first)
            blocks.append(source.data[start:start + sum(2 + len(q) for q in own)])
            counts.append(count)
            levels.extend(own)
            models.append(source.model(name))
            continue
        final, backtests, model = source
        counts.append(1 + len(backtests))
        models.append(model)
        for p in (final, *backtests):
            own_levels = _shared(tuple(p.quantiles))
            levels.append(own_levels)
            rows.extend([p.mean, p.sd, *(p.quantiles[q] for q in own_levels)])
    close_rows()
    if not names:
        return PackedOptions()
    if len({b.shape[1] for b in blocks}) != 1:
        raise ValueError("the predictions to pack differ in length")
    # a copy unless the one block is already an array of its own (not a view of a source)
    data = blocks[0] if len(blocks) == 1 and blocks[0].base is None else np.concatenate(blocks)
    return PackedOptions(tuple(names), tuple(counts), tuple(levels), data, tuple(models))
