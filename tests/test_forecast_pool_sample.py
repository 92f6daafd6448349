"""The pooled choice learnt on a sample of a large pool (``choice_sample``).

The definition the engine must meet: fit every series with every candidate, let each pool
choose on the series of its seeded sample only, and recombine every series from its pool's
choice. The engine fits the rest of a sampled pool with the chosen candidates only; its
forecasts must equal that definition's to the bit, with one process or with workers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st
from test_forecast_global_alongside import _mixed_frame, _same_fit

from salesflow.forecasting import engine as engine_module
from salesflow.forecasting.classify import DemandClass, classify_demand
from salesflow.forecasting.engine import Forecaster
from salesflow.forecasting.pooled_choice import (
    PoolChoice,
    PoolKey,
    apply_choices,
    pool_choices,
    pool_key,
)
from salesflow.forecasting.pooled_run import PoolSample, restricted, sample_pools
from salesflow.forecasting.series_fit import FitSettings, SeriesFit, SeriesTask, fit_series

KWARGS = {"horizon": 4, "season_length": 1, "random_state": 3, "n_windows": 2, "step": 2}
LIMIT = 9


def _definition(frame: pd.DataFrame, limit: int) \
        -> tuple[list[SeriesFit], PoolSample, dict[PoolKey, PoolChoice]]:
    """Every series fitted with every candidate, the choice made on the sample, every series
    recombined from it (one process, no global model)."""
    engine = Forecaster(**KWARGS)
    series = engine._split(frame)
    fit_settings = engine._settings(series, keep_models=True)
    fits = [fit_series(SeriesTask(uid, y), fit_settings)
            for uid, y in zip(series.ids, series.values, strict=True)]
    sample = sample_pools(series.values, fit_settings, limit, KWARGS["random_state"])
    assert sample is not None
    choices = pool_choices([fits[i] for i in sample.full],
                           [series.values[i] for i in sample.full], fit_settings)
    return apply_choices(fits, series.values, fit_settings, choices), sample, choices


def test_a_sampled_choice_equals_the_choice_made_on_the_sample() -> None:
    frame = _mixed_frame()
    expected, sample, choices = _definition(frame, LIMIT)
    engine = Forecaster(**KWARGS, choice_sample=LIMIT).fit(frame)
    assert len(sample.rest) > 40  # both pools (24 regular, 48 sporadic series) are sampled
    for got, want in zip(engine.fits_, expected, strict=True):
        _same_fit(got, want, ignore=("scores", "failed"))
    # the rest of each pool was fitted with what its choice uses only
    settings_ = engine.settings_
    narrow = restricted(settings_, choices).candidates
    assert sum(len(names) for names in narrow.values()) < \
        sum(len(names) for names in settings_.candidates.values())
    for i, fit in enumerate(engine.fits_):
        tried = set(fit.scores) | set(fit.failed)
        label = fit.demand.label
        assert tried == set(settings_.candidates[label] if i in sample.full else narrow[label])
    pools = engine.pools_.set_index("candidates")
    assert set(pools["chosen_on"]) == {LIMIT}
    assert pools["series"].sum() == 72
    for fit in engine.fits_:
        row = pools.loc[",".join(settings_.candidates[fit.demand.label])]
        assert fit.model == row["model"]


def test_without_a_sample_the_choice_is_made_on_every_series() -> None:
    frame = _mixed_frame(n_series=30)
    whole = Forecaster(**KWARGS, choice_sample=None).fit(frame)
    large = Forecaster(**KWARGS, choice_sample=1000).fit(frame)
    for a, b in zip(whole.fits_, large.fits_, strict=True):
        _same_fit(a, b)
    assert list(whole.pools_["chosen_on"]) == list(whole.pools_["series"])


def test_the_sampled_choice_is_the_same_on_workers() -> None:
    """The global model beside the map and the sample: two workers give the fits of one
    process."""
    frame = _mixed_frame()
    options = {**KWARGS, "global_model": True, "choice_sample": LIMIT}
    one = Forecaster(**options, n_jobs=1).fit(frame)
    two = Forecaster(**options, n_jobs=2).fit(frame)
    for a, b in zip(one.fits_, two.fits_, strict=True):
        _same_fit(a, b)
    pd.testing.assert_frame_equal(one.pools_, two.pools_)
    assert any("gbm" in fit.members for fit in one.fits_) or \
        any("gbm" in model for model in one.pools_["model"])


@pytest.mark.parametrize("bad", [0, -3, 2.5, "100"])
def test_a_bad_choice_sample_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="choice_sample must be a positive integer or None"):
        Forecaster(**KWARGS, choice_sample=bad).fit(_mixed_frame(n_series=6))  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(regular=st.integers(0, 30), sporadic=st.integers(0, 30), limit=st.integers(1, 25),
       seed=st.integers(0, 2 ** 32 - 1))
def test_the_sample_splits_every_pool(regular: int, sporadic: int, limit: int,
                                      seed: int) -> None:
    """Every series is in the sample or in the rest, never both; a pool larger than the limit
    has exactly ``limit`` series in the sample and a smaller one all of them; the same seed
    draws the same sample."""
    values = [np.full(20, 5.0) + (k % 3) for k in range(regular)] + \
        [np.where(np.arange(20) % 4 == 0, 2.0, 0.0) for _ in range(sporadic)]
    order = np.random.default_rng(seed).permutation(len(values))
    values = [values[k] for k in order]
    engine = Forecaster(**KWARGS)
    fit_settings = engine._settings(
        engine._split(pd.DataFrame({"unique_id": ["x"] * 20, "ds": np.arange(1, 21),
                                    "y": np.ones(20)})), keep_models=False)
    sample = sample_pools(values, fit_settings, limit, seed)
    if max(regular, sporadic) <= limit:
        assert sample is None
        return
    assert sample is not None
    assert sorted(sample.full + sample.rest) == list(range(len(values)))
    assert not set(sample.full) & set(sample.rest)
    sizes = {False: regular, True: sporadic}
    for intermittent, size in sizes.items():
        members = [i for i in range(len(values))
                   if (np.count_nonzero(values[i]) < 20) == intermittent]
        drawn = [i for i in members if i in sample.full]
        assert len(drawn) == min(size, limit)
    assert sample == sample_pools(values, fit_settings, limit, seed)
    for key, (drawn_count, total) in sample.sizes.items():
        assert drawn_count == limit < total
        assert key in {pool_key(d, fit_settings) for d in _classes(values)}


def _classes(values: list[np.ndarray]) -> list[DemandClass]:
    return [classify_demand(y) for y in values]


def test_the_rest_is_fitted_with_what_the_choice_uses() -> None:
    """``restricted`` keeps, per class, the chosen members and the class's quantile sources,
    in the candidates' order, and leaves classes of pools without a choice alone."""
    frame = _mixed_frame()
    _, _, choices = _definition(frame, LIMIT)
    full = Forecaster(**KWARGS)._settings(Forecaster(**KWARGS)._split(frame), keep_models=True)
    narrow = restricted(full, choices)
    for label, names in full.candidates.items():
        key = pool_key(DemandClass(label, 1.0, 0.0), full)
        if key not in choices:
            assert narrow.candidates[label] == names
            continue
        needed = choices[key].needs(label)
        assert narrow.candidates[label] == tuple(n for n in names if n in needed)
        assert set(choices[key].members) <= set(narrow.candidates[label])


def test_the_forecast_command_names_each_pool_and_its_sample(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        run_cli: Callable[..., Result]) -> None:
    """``salesflow forecast`` prints each pool's choice and, for a pool that chose on a
    sample, its size (``pools`` in ``--json``); the pools cover every series."""
    drawn = sample_pools

    def small_sample(values: Sequence[np.ndarray], fit_settings: FitSettings,
                     limit: int | None, seed: int) -> PoolSample | None:
        return drawn(values, fit_settings, LIMIT, seed)

    monkeypatch.setattr(engine_module, "sample_pools", small_sample)
    table = tmp_path / "series.csv"
    _mixed_frame()[["unique_id", "ds", "y"]].to_csv(table, index=False)
    args = ("forecast", "--series", table, "--horizon", "4", "--workers", "1",
            "--out", tmp_path / "fc.csv")
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    pools = json.loads(result.stdout)["pools"]
    assert sum(p["series"] for p in pools) == 72
    assert {p["chosen_on"] for p in pools} == {LIMIT}
    assert {"intermittent", "lumpy"} <= {c for p in pools for c in p["classes"]}
    text = run_cli(*args).stdout
    for pool in pools:
        assert f"({pool['series']} series): {pool['model']}, chosen on a random sample of " \
               f"{LIMIT} series" in text
