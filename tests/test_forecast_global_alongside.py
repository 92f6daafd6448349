"""The global model fitted beside the per-series map (pooled strategy on workers): the same fits,
to the bit, as the global model first and the series after it in one process."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from salesflow.forecasting import engine as engine_module
from salesflow.forecasting import pooled_run
from salesflow.forecasting.engine import Forecaster
from salesflow.forecasting.series_fit import (
    ExternalForecast,
    LocalFit,
    SeriesFit,
    SeriesTask,
    fit_series,
)


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


def _same_fit(a: object, b: object, ignore: tuple[str, ...] = ()) -> None:
    for field in dataclasses.fields(a):  # type: ignore[arg-type]
        if field.name in ignore:
            continue
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
    original = pooled_run.GlobalInBackground

    def spy(compute: Callable[[], object], background: bool) -> object:
        beside.append(background)
        return original(compute, background)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module, "GlobalInBackground", spy)
    one = Forecaster(**KWARGS, n_jobs=1).fit(frame)
    two = Forecaster(**KWARGS, n_jobs=2).fit(frame)
    assert beside == [True]  # one process: the global model first, then the series
    classes = set(one.series_["demand_class"])
    assert {"intermittent", "lumpy"} <= classes and classes & {"smooth", "erratic"}
    assert any("gbm" in fit.members for fit in one.fits_)
    for a, b in zip(one.fits_, two.fits_, strict=True):
        _same_fit(a, b)
    pd.testing.assert_frame_equal(one.predict(), two.predict())
    pd.testing.assert_frame_equal(one.predict(7), two.predict(7))  # the kept models


def test_series_are_finished_while_the_map_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the global model is done, each chunk of local fits that arrives is finished here
    (``finish_pooled``) while the workers go on with the map, not all after it."""
    finished: list[object] = []
    at_map_end: list[int] = []
    original_finish, original_map = pooled_run.finish_pooled, pooled_run.map_chunks

    def finish(local: LocalFit, *args: object) -> SeriesFit:
        finished.append(local.unique_id)
        return original_finish(local, *args)

    def map_chunks(*args: object, on_chunk: Callable[[int, list[object]], None],
                   **options: object) -> list[object]:
        def arrived(start: int, part: list[object]) -> None:
            for thread in threading.enumerate():  # the global model, before the first chunk
                if thread.name == "salesflow-global-model":
                    thread.join(120)
            on_chunk(start, part)

        out = original_map(*args, on_chunk=arrived, **options)
        at_map_end.append(len(finished))
        return out

    monkeypatch.setattr(pooled_run, "finish_pooled", finish)
    monkeypatch.setattr(pooled_run, "map_chunks", map_chunks)
    forecaster = Forecaster(**KWARGS, n_jobs=2).fit(_mixed_frame())
    assert at_map_end == [72]  # every series finished as its chunk came in
    assert sorted(finished) == [f"sku{i:02d}" for i in range(72)]
    assert [fit.unique_id for fit in forecaster.fits_] == [f"sku{i:02d}" for i in range(72)]


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

