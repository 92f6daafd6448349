"""The global model fitted beside the per-series map (pooled strategy on workers): the same fits,
to the bit, as the global model first and the series after it in one process."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from salesflow.forecasting.engine import Forecaster
from salesflow.forecasting.series_fit import ExternalForecast, SeriesTask, fit_series


def _mixed_frame(n_series: int = 72, n: int = 40, seed: int = 11) -> pd.DataFrame:
    """Weekly series: a third regular, a third intermittent, a third lumpy, with a price and
    a promotion flag for the global model."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        kind = i % 3
        if kind == 0:
            y = rng.poisson(20 + i % 7, n).astype(float)
        elif kind == 1:
            y = np.where(rng.random(n) < 0.25, rng.integers(1, 4, n), 0).astype(float)
        else:
            y = np.where(rng.random(n) < 0.3, rng.integers(1, 40, n), 0).astype(float)
        rows.append(pd.DataFrame({
            "unique_id": f"sku{i:02d}",
            "ds": pd.date_range("2024-01-01", periods=n, freq="7D"),
            "y": y,
            "price": rng.choice([9.0, 10.0, 11.0], n),
            "promo": (rng.random(n) < 0.1).astype(float)}))
    return pd.concat(rows, ignore_index=True)


KWARGS = {"horizon": 4, "season_length": 1, "global_model": True, "random_state": 3,
          "n_windows": 2, "step": 2}


def _same_fit(a: object, b: object) -> None:
    for field in dataclasses.fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, field.name), getattr(b, field.name)
        if field.name in ("prediction", "backtest"):
            assert (x is None) == (y is None), field.name
            if x is None:
                continue
            for part in dataclasses.fields(x):
                u, v = getattr(x, part.name), getattr(y, part.name)
                if isinstance(u, dict):
                    assert u.keys() == v.keys()
                    assert all(np.array_equal(u[k], v[k]) for k in u)
                else:
                    assert np.array_equal(np.asarray(u), np.asarray(v)), part.name
        elif field.name == "fitted":
            assert (x is None) == (y is None)
            assert x is None or [type(m) for m in x] == [type(m) for m in y]
        elif field.name not in ("options",):
            assert x == y or (x != x and y != y), field.name  # nan == nan for the scores


def test_the_global_model_beside_the_map_gives_the_same_fits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _mixed_frame()
    beside = []
    original = Forecaster._fit_alongside_global

    def spy(self: Forecaster, *args: object) -> object:
        beside.append(self.n_jobs)
        return original(self, *args)

    monkeypatch.setattr(Forecaster, "_fit_alongside_global", spy)
    one = Forecaster(**KWARGS, n_jobs=1).fit(frame)
    two = Forecaster(**KWARGS, n_jobs=2).fit(frame)
    assert beside == [2]  # one process: the global model first, then the series
    classes = set(one.series_["demand_class"])
    assert {"intermittent", "lumpy"} <= classes and classes & {"smooth", "erratic"}
    assert any("gbm" in fit.members for fit in one.fits_)
    for a, b in zip(one.fits_, two.fits_, strict=True):
        _same_fit(a, b)
    pd.testing.assert_frame_equal(one.predict(), two.predict())
    pd.testing.assert_frame_equal(one.predict(7), two.predict(7))  # the kept models


def test_a_global_model_that_fails_beside_the_map_fails_the_forecast(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Forecaster, *args: object) -> object:
        raise ValueError("the global model broke")

    monkeypatch.setattr(Forecaster, "_global", broken)
    with pytest.raises(ValueError, match="the global model broke"):
        Forecaster(**KWARGS, n_jobs=2).forecast(_mixed_frame())


def test_a_series_without_global_forecasts_keeps_its_local_candidates() -> None:
    """``fit_series`` (local part, then the finish) treats a global model it has no forecast
    for, or one with another number of windows, as failed, and fits the others."""
    y = np.random.default_rng(2).poisson(12, 40).astype(float)
    engine = Forecaster(**KWARGS)
    frame = pd.DataFrame({"unique_id": "a", "ds": np.arange(1, 41), "y": y})
    settings = engine._settings(engine._split(frame), keep_models=False)
    missing = fit_series(SeriesTask("a", y), settings)
    one_window = fit_series(SeriesTask("a", y, {"gbm": ExternalForecast(
        ((np.ones(4), np.ones(4)),), (np.ones(4), np.ones(4)))}), settings)
    for fit in (missing, one_window):
        assert "gbm" in fit.failed and "gbm" not in fit.members and fit.members
    two_windows = fit_series(SeriesTask("a", y, {"gbm": ExternalForecast(
        ((np.ones(4), np.ones(4)),) * 2, (np.full(4, 5.0), np.ones(4)))}), settings)
    assert "gbm" in two_windows.members and "gbm" not in two_windows.failed
    assert "gbm" in two_windows.scores
    assert np.array_equal(two_windows.options.final("gbm").mean, np.full(4, 5.0))

