"""Seasonal candidates: which ones the engine tries for which season, and seasonal ETS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesflow.forecasting.candidates import (
    DEFAULT_CANDIDATES,
    MAX_ETS_SEASON,
    SEASONAL_MODELS,
    default_candidates,
    resolve_candidates,
)
from salesflow.forecasting.engine import Forecaster
from salesflow.forecasting.ets import AutoETS
from salesflow.forecasting.metrics import smape


def _multiplicative(n: int, m: int = 12, seed: int = 3) -> np.ndarray:
    """Trend times a strong season, with a little noise (all positive)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1.0 + 0.4 * np.sin(2 * np.pi * t / m)
    return (200.0 + 2.0 * t) * season * (1.0 + rng.normal(0.0, 0.01, n))


@pytest.mark.parametrize("m", [1, 4, 12, MAX_ETS_SEASON, MAX_ETS_SEASON + 1, 52])
def test_default_candidates_follow_the_season(m: int) -> None:
    chosen = default_candidates(m)
    for label in ("smooth", "erratic"):
        names = set(chosen[label])
        assert names <= set(DEFAULT_CANDIDATES[label])
        assert {"theta", "dotm", "damped"} <= names
        assert ("seasonal_naive" in names) == (m > 1)
        assert ("ets_seasonal" in names) == (1 < m <= MAX_ETS_SEASON)
    # intermittent classes never get seasonal models
    for label in ("intermittent", "lumpy", "no_demand"):
        assert not set(chosen[label]) & SEASONAL_MODELS


def test_explicit_candidates_are_taken_as_given() -> None:
    chosen = resolve_candidates({"smooth": ("ets_seasonal", "naive")}, False, 1)
    assert chosen["smooth"] == ("ets_seasonal", "naive")
    assert "seasonal_naive" not in chosen["erratic"]


def test_seasonal_ets_forecasts_a_seasonal_series_with_seasonal_states() -> None:
    y = _multiplicative(96)
    train, test = y[:78], y[78:]
    model = AutoETS(12, forms=("AAdA", "MAdM"), seasonal="native",
                    initialization="heuristic").fit(train)
    assert model.form_ in ("AAdA", "MAdM")
    assert model.adjustment_.kind == "none"  # the season is in the states, not decomposed
    prediction = model.predict(18, (0.1, 0.9))
    assert smape(test, prediction.mean) < 3.0
    assert np.all(prediction.sd > 0) and np.all(np.isfinite(prediction.sd))


def test_seasonal_ets_tries_multiplicative_seasons_only_on_positive_data() -> None:
    y = _multiplicative(60) - 300.0  # crosses zero
    model = AutoETS(12, forms=("AAdA", "MAdM"), seasonal="native",
                    initialization="heuristic").fit(y)
    assert model.form_ == "AAdA"


def test_seasonal_ets_on_too_short_a_series_falls_back_to_a_trend_form() -> None:
    y = _multiplicative(25)  # fewer than two seasons and two points
    model = AutoETS(12, forms=("AAdA", "MAdM"), seasonal="native",
                    initialization="heuristic").fit(y)
    assert model.form_ in ("AAdN", "MAdN")
    assert np.all(np.isfinite(model.predict(12).mean))


@pytest.mark.parametrize(("n", "form"), [(8, "ANN"), (30, "AAdN")])
def test_heuristic_and_estimated_initialization_agree_roughly(n: int, form: str) -> None:
    # with eight points the heuristic is impossible and the states are estimated instead
    y = 50.0 + 3.0 * np.arange(n) + np.random.default_rng(n).normal(0.0, 1.0, n)
    forms = (form,)
    heuristic = AutoETS(forms=forms, initialization="heuristic").fit(y).predict(4).mean
    estimated = AutoETS(forms=forms, initialization="estimated").fit(y).predict(4).mean
    assert np.allclose(heuristic, estimated, rtol=0.1)


def test_unknown_initialization_is_rejected() -> None:
    with pytest.raises(ValueError, match="initialization"):
        AutoETS(initialization="backcast").fit(np.arange(1.0, 30.0))


def test_engine_backtests_the_seasonal_candidates_only_with_a_season() -> None:
    frame = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(1, 61),
                                     "y": _multiplicative(60, seed=i)}) for i in range(2)])
    seasonal = Forecaster(horizon=6, season_length=12).fit(frame)
    plain = Forecaster(horizon=6, season_length=1).fit(frame)
    for fit in seasonal.fits_:
        assert set(fit.scores) == set(DEFAULT_CANDIDATES["smooth"])
    for fit in plain.fits_:
        assert set(fit.scores) == set(DEFAULT_CANDIDATES["smooth"]) - SEASONAL_MODELS
