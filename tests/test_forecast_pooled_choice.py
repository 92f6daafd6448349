"""The pooled choice, vectorised, equals to the bit the loops it replaced.

Regular pools: :func:`pooled_smapes` against the loop over series and windows that
``series_fit._pooled_loss`` was (one ``combine`` and one ``smape`` per window). Intermittent
pools: :func:`choose_sparse` against its former stacking (a ``vstack`` per window, candidates
in the middle axis). Both references are kept here, and only here, as the definition the fast
code must match.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from salesflow.forecasting.base import Prediction
from salesflow.forecasting.metrics import mase_scale, smape
from salesflow.forecasting.options import pack_options
from salesflow.forecasting.pooled_smape import best_smape_subset, pooled_smapes
from salesflow.forecasting.pooling import POINT, choose_sparse
from salesflow.forecasting.series_fit import Backtest, FitSettings, combine

#: Few distinct values (zeros of both signs, ties, negatives) and any moderate float.
VALUES = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 2.0, -1.0, 3.5]),
                   st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False))
LEVELS = (0.1, 0.5, 0.9)


def _bits(x: float) -> bytes:
    return np.float64(x).tobytes()


def _reference_smape_loss(fits: Sequence[SimpleNamespace], members: Sequence[str],
                          nonnegative: bool) -> float:
    """The former ``series_fit._pooled_loss``: one combine and one sMAPE per window."""
    losses = []
    for fit in fits:
        for w, actual in enumerate(fit.backtest.actual if fit.backtest is not None else ()):
            row = combine([fit.options[n][1][w] for n in members])
            mean = np.maximum(row.mean, 0.0) if nonnegative else row.mean
            losses.append(smape(actual, mean))
    return float(np.mean(losses)) if losses else float("inf")


@st.composite
def pools(draw: st.DrawFn, ragged: bool = True, quantiles: bool = False) \
        -> tuple[list[SimpleNamespace], list[np.ndarray], tuple[str, ...]]:
    """Voters as ``pool_choices`` passes them (every candidate backtested on every window),
    with their histories: 0 to 3 windows each, without a backtest at times, window lengths
    that differ between voters when ``ragged``, candidates that copy another (ties) and, with
    ``quantiles``, candidates with their own quantiles (missing in some windows at times)."""
    names = tuple(f"c{j}" for j in range(draw(st.integers(1, 4))))
    horizon = draw(st.integers(1, 12))
    own = {n: quantiles and draw(st.booleans()) for n in names}
    fits, values = [], []
    for _ in range(draw(st.integers(0, 5))):
        n_windows = draw(st.integers(0, 3))
        length = draw(st.integers(1, 12)) if ragged else horizon
        actual = draw(arrays(np.float64, (n_windows, length), elements=VALUES))
        options = {}
        for j, name in enumerate(names):
            copy = j > 0 and draw(st.booleans())
            windows = []
            for w in range(n_windows):
                if copy:
                    windows.append(options[names[0]][1][w])
                    continue
                mean = draw(arrays(np.float64, length, elements=VALUES))
                levels = LEVELS if own[name] and draw(st.integers(0, 9)) else ()
                windows.append(Prediction(mean, np.ones(length),
                                          {q: mean + (q - 0.5) * draw(VALUES) for q in levels}))
            options[name] = (Prediction(np.zeros(length), np.ones(length)), tuple(windows), None)
        backtest = None if n_windows == 0 and draw(st.booleans()) else Backtest(
            tuple(range(n_windows)), actual, actual, actual)
        fits.append(SimpleNamespace(backtest=backtest, options=pack_options(options)))
        values.append(draw(arrays(np.float64, draw(st.integers(1, 8)),
                                  elements=st.sampled_from([0.0, 1.0, 2.0, 5.0]))))
    return fits, values, names


@settings(max_examples=300, deadline=None)
@given(pool=pools(), nonnegative=st.booleans())
def test_pooled_smape_equals_the_loop_over_series_and_windows(
        pool: tuple[list[SimpleNamespace], list[np.ndarray], tuple[str, ...]],
        nonnegative: bool) -> None:
    fits, _, names = pool
    subsets = [c for k in range(1, len(names) + 1) for c in combinations(names, k)]
    expected = [_reference_smape_loss(fits, s, nonnegative) for s in subsets]
    got = pooled_smapes(fits, names, nonnegative)
    assert [s for s, _ in got] == subsets
    assert [_bits(loss) for _, loss in got] == [_bits(loss) for loss in expected]
    assert best_smape_subset(fits, names, nonnegative) == subsets[int(np.argmin(expected))]


def test_ties_go_to_the_earlier_subset() -> None:
    window = Prediction(np.array([1.0, 2.0]), np.ones(2))
    fit = SimpleNamespace(backtest=Backtest((0,), np.array([[1.0, 3.0]]), np.ones((1, 2)),
                                            np.ones((1, 2))),
                          options=pack_options({n: (window, (window,), None)
                                                       for n in ("a", "b", "c")}))
    losses = [loss for _, loss in pooled_smapes([fit], ("a", "b", "c"), False)]
    assert len(set(losses)) == 1
    assert best_smape_subset([fit], ("a", "b", "c"), False) == ("a",)
    assert best_smape_subset([], ("a", "b"), True) == ("a",)  # no window: all inf


def _reference_sparse(voters: Sequence[SimpleNamespace], values: Sequence[np.ndarray],
                      names: Sequence[str], settings: FitSettings) \
        -> tuple[tuple[str, ...], dict[float, str], float]:
    """The former ``pooling.choose_sparse``: a vstack per window, candidates in the middle."""
    forecasts, actuals, weights, n_series = [], [], [], 0
    for fit, y in zip(voters, values, strict=True):
        scale = mase_scale(y, 1)
        if fit.backtest is None or not np.isfinite(scale) or scale <= 0:
            continue
        n = len(fit.backtest.cutoffs)
        n_series += 1
        for w in range(n):
            forecasts.append(np.vstack([fit.options[name][1][w].mean for name in names]))
            actuals.append(fit.backtest.actual[w])
            weights.append(1.0 / (scale * n))
    if not forecasts:
        return tuple(names), {}, float("nan")
    stacked = np.stack(forecasts)
    stacked = np.maximum(stacked, 0.0) if settings.nonnegative else stacked
    actual, weight = np.vstack(actuals), np.asarray(weights)
    best: tuple[int, ...] = tuple(range(len(names)))
    best_loss = np.inf
    for k in range(1, len(names) + 1):
        for subset in combinations(range(len(names)), k):
            median = np.median(stacked[:, list(subset), :], axis=1)
            loss = float(weight @ np.abs(actual - median).mean(axis=1)) / n_series
            if loss < best_loss:
                best, best_loss = subset, loss
    point = np.median(stacked[:, list(best), :], axis=1)
    q = np.asarray(LEVELS)[:, None, None]

    def pinball(quantiles: np.ndarray) -> np.ndarray:
        diff = actual[None, :, :] - quantiles
        return np.maximum(q * diff, (q - 1.0) * diff).mean(axis=2) @ weight

    losses = {POINT: pinball(np.repeat(point[None, :, :], len(LEVELS), axis=0))}
    for name in names:
        rows = []
        for fit, y in zip(voters, values, strict=True):
            scale = mase_scale(y, 1)
            if fit.backtest is None or not np.isfinite(scale) or scale <= 0:
                continue
            for p in fit.options[name][1]:
                if not all(level in p.quantiles for level in LEVELS):
                    break
                rows.append(np.vstack([p.quantiles[level] for level in LEVELS]))
        if len(rows) == actual.shape[0]:
            own = np.stack(rows, axis=1)
            losses[name] = pinball(np.maximum(own, 0.0) if settings.nonnegative else own)
    order = [POINT, *names]
    sources = {level: min((n for n in order if n in losses), key=lambda n: losses[n][i])
               for i, level in enumerate(LEVELS)}
    return tuple(names[i] for i in best), sources, best_loss


@settings(max_examples=200, deadline=None)
@given(pool=pools(ragged=False, quantiles=True), nonnegative=st.booleans())
def test_choose_sparse_equals_the_former_stacking(
        pool: tuple[list[SimpleNamespace], list[np.ndarray], tuple[str, ...]],
        nonnegative: bool) -> None:
    fits, values, names = pool
    horizon = fits[0].backtest.actual.shape[1] if fits and fits[0].backtest is not None else 1
    fit_settings = FitSettings(horizon=horizon, season_length=1, levels=LEVELS, candidates={},
                               nonnegative=nonnegative)
    members, sources, loss = _reference_sparse(fits, values, names, fit_settings)
    got = choose_sparse(fits, values, names, fit_settings)
    assert (got.members, got.quantile_sources) == (members, sources)
    assert _bits(got.mase) == _bits(loss)


def _two_source_voter(actual: float, low: float, high: float) -> SimpleNamespace:
    """A voter with two windows of two steps whose demand is ``actual``; candidate ``low``
    has quantiles around ``low``, ``high`` around ``high``, both with the mean 1."""
    windows = 2
    options = {}
    for name, centre in (("low", low), ("high", high)):
        mean = np.ones(2)
        spread = {q: np.full(2, centre + (q - 0.5)) for q in LEVELS}
        options[name] = (Prediction(mean, np.ones(2), spread),
                         tuple(Prediction(mean, np.ones(2), spread) for _ in range(windows)),
                         None)
    actual_rows = np.full((windows, 2), actual)
    return SimpleNamespace(backtest=Backtest((0, 1), actual_rows, actual_rows, actual_rows),
                           options=pack_options(options))


def test_a_large_enough_class_chooses_its_own_quantile_sources() -> None:
    """Lumpy demand (large sizes) and intermittent demand (small) in one pool: each class of
    at least MIN_CLASS_SERIES series takes the source that fits it, at every level; a
    smaller class takes the pool's sources, and without classes the pool's go to all."""
    from salesflow.forecasting.pooling import MIN_CLASS_SERIES

    n = MIN_CLASS_SERIES
    voters = [_two_source_voter(0.2, 0.2, 6.0) for _ in range(n + 10)] \
        + [_two_source_voter(6.0, 0.2, 6.0) for _ in range(n)] \
        + [_two_source_voter(6.0, 0.2, 6.0) for _ in range(n - 1)]
    classes = ["intermittent"] * (n + 10) + ["lumpy"] * n + ["erratic"] * (n - 1)
    values = [np.array([0.0, 1.0, 0.0, 2.0])] * len(voters)
    fit_settings = FitSettings(horizon=2, season_length=1, levels=LEVELS, candidates={},
                               nonnegative=True)
    pooled = choose_sparse(voters, values, ("low", "high"), fit_settings)
    choice = choose_sparse(voters, values, ("low", "high"), fit_settings, classes)
    assert (choice.members, choice.quantile_sources, _bits(choice.mase)) == \
        (pooled.members, pooled.quantile_sources, _bits(pooled.mase))
    assert pooled.class_sources == {}
    assert set(choice.class_sources) == {"intermittent", "lumpy"}
    assert choice.sources_for("intermittent") == {q: "low" for q in LEVELS}
    assert choice.sources_for("lumpy") == {q: "high" for q in LEVELS}
    assert choice.sources_for("erratic") == choice.quantile_sources
    assert choice.sources_for("smooth") == choice.quantile_sources
