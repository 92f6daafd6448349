"""The forecasting engine over the long frame: estimator rules, determinism, bad input."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pytest

from salesflow.data.errors import InvalidInputError, NotFittedError
from salesflow.forecasting import gbm_windows
from salesflow.forecasting.candidates import INTERMITTENT_CANDIDATES
from salesflow.forecasting.engine import Forecaster
from salesflow.forecasting.gbm import GlobalGBM
from salesflow.forecasting.gbm_windows import global_forecasts
from salesflow.forecasting.parallel import map_parts, runs_here

CHEAP = {"smooth": ("theta", "dotm"), "erratic": ("theta", "dotm")}


def _seasonal_frame(n_series: int = 3, n: int = 48, freq: str | None = "MS",
                    seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        t = np.arange(n)
        y = (100 + 5 * i + 0.5 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) \
            + rng.normal(0, 2, n)
        ds = pd.date_range("2020-01-01", periods=n, freq=freq) if freq else t + 1
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": ds, "y": y}))
    return pd.concat(rows, ignore_index=True)


def _intermittent_frame(n: int = 60, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.2, rng.integers(1, 6, n), 0).astype(float)
    return pd.DataFrame({"unique_id": "rare", "ds": np.arange(1, n + 1), "y": y})


def test_estimator_rules() -> None:
    engine = Forecaster(horizon=6, season_length=12, candidates=CHEAP)
    params = engine.get_params()
    with pytest.raises(NotFittedError):
        engine.predict()
    assert engine.fit(_seasonal_frame()) is engine
    learned = [k for k in vars(engine) if k not in params]
    assert learned and all(k.endswith("_") for k in learned)
    assert engine.get_params() == params


def test_forecast_frame_shape_dates_and_quantiles() -> None:
    frame = _seasonal_frame()
    out = Forecaster(horizon=6, season_length=12, quantiles=(0.9, 0.05, 0.5),
                     candidates=CHEAP).forecast(frame)
    assert list(out.columns) == ["unique_id", "ds", "forecast", "model", "p5", "p50", "p90"]
    assert len(out) == 3 * 6
    first = out[out["unique_id"] == "s0"]["ds"]
    assert first.tolist() == list(pd.date_range("2024-01-01", periods=6, freq="MS"))
    assert (out["p5"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
    # pooled (the default for regular demand): one combination for all three series
    assert out["model"].nunique() == 1
    assert out["model"].iloc[0] in {"theta", "dotm", "median(theta,dotm)"}


def test_integer_ds_continues_the_index() -> None:
    out = Forecaster(horizon=4, season_length=12, candidates=CHEAP).forecast(
        _seasonal_frame(n_series=1, freq=None))
    assert out["ds"].tolist() == [49, 50, 51, 52]


def test_predict_other_horizon_after_fit() -> None:
    engine = Forecaster(horizon=6, season_length=12, candidates=CHEAP).fit(_seasonal_frame())
    six, nine = engine.predict(), engine.predict(9)
    assert len(nine) == 27
    merged = six.merge(nine, on=["unique_id", "ds"], suffixes=("", "_9"))
    assert np.allclose(merged["forecast"], merged["forecast_9"])


def test_same_input_same_output_with_any_number_of_workers() -> None:
    frame = _seasonal_frame(n_series=70, n=40, freq=None, seed=5)
    one = Forecaster(horizon=6, season_length=12, candidates=CHEAP, n_jobs=1).forecast(frame)
    again = Forecaster(horizon=6, season_length=12, candidates=CHEAP, n_jobs=1).forecast(frame)
    two = Forecaster(horizon=6, season_length=12, candidates=CHEAP, n_jobs=2).forecast(frame)
    pd.testing.assert_frame_equal(one, again)
    pd.testing.assert_frame_equal(one, two)


def test_global_model_same_seed_same_output() -> None:
    frame = _seasonal_frame(n_series=4, n=60, freq="7D")
    frame["price"] = 10.0
    frame["promo"] = 0.0
    kwargs = {"horizon": 4, "season_length": 1, "global_model": True, "random_state": 3,
              "candidates": {"smooth": ("theta",), "erratic": ("theta",)}}
    a = Forecaster(**kwargs).forecast(frame)
    b = Forecaster(**kwargs).forecast(frame)
    pd.testing.assert_frame_equal(a, b)
    engine = Forecaster(**kwargs, strategy="select").fit(frame)
    assert set(engine.series_["model"]) <= {"theta", "gbm"}


def test_global_model_on_two_workers_equals_one_worker(monkeypatch: pytest.MonkeyPatch) \
        -> None:
    """The global model's window fits and final fit run as parallel tasks
    (forecasting/gbm_windows.py): on a local cluster of two workers its backtest and final
    forecasts equal one worker's to the bit, and fits made here one after the other; so does
    the whole forecast."""
    rng = np.random.default_rng(8)
    frame = _seasonal_frame(n_series=70, n=40, freq="7D", seed=4)
    frame["price"] = rng.choice([9.0, 10.0, 11.0], len(frame))
    frame["promo"] = (rng.random(len(frame)) < 0.1).astype(float)
    kwargs = {"horizon": 4, "season_length": 1, "global_model": True, "random_state": 3,
              "n_windows": 2, "step": 2, "candidates": {"smooth": ("theta",),
                                                       "erratic": ("theta",)}}
    engine = Forecaster(**kwargs)
    series = engine._split(frame)
    settings = engine._settings(series, keep_models=True)
    maps = []

    def spy(func: Callable[..., object], parts: Sequence[object], shared: object,
            n_jobs: int = 1, **options: int) -> list[object]:
        maps.append(runs_here(len(parts), n_jobs, options.get("min_parallel", 2)))
        return map_parts(func, parts, shared, n_jobs=n_jobs, **options)

    monkeypatch.setattr(gbm_windows, "map_parts", spy)
    one, model_one = global_forecasts(series, settings, 3, n_jobs=1)
    two, model_two = global_forecasts(series, settings, 3, n_jobs=2)
    assert maps == [True, False]  # the second map ran on the workers
    assert len(one) == 70 and one.keys() == two.keys()
    values = [v[:-6] for v in series.values]  # offsets 6 and 4: horizon + step, horizon
    exog = {k: tuple(a[:-6] for a in arrays) for k, arrays in series.exog.items()}
    here = GlobalGBM(random_state=3).fit(values, [0] * 70, exog).predict(4)
    for i in one:
        a, b = one[i]["gbm"], two[i]["gbm"]
        assert len(a.windows) == 2
        for (m1, s1), (m2, s2) in zip((*a.windows, a.final), (*b.windows, b.final),
                                      strict=True):
            assert np.array_equal(m1, m2) and np.array_equal(s1, s2)
        assert np.array_equal(a.windows[0][0], here[0][i])
    assert model_one is not None and model_two is not None
    for steps in (4, 7):
        assert all(np.array_equal(x, y) for x, y in
                   zip(model_one.predict(steps), model_two.predict(steps), strict=True))
    by_one = Forecaster(**kwargs, n_jobs=1).forecast(frame)
    by_two = Forecaster(**kwargs, n_jobs=2).forecast(frame)
    assert (by_one["model"].str.contains("gbm")).any()
    pd.testing.assert_frame_equal(by_one, by_two)


def test_pooled_choice_keeps_the_exact_model_alone() -> None:
    # exactly periodic series: seasonal naive has zero backtest error, its median with naive
    # has not, so the pooled choice is seasonal naive alone, for every series
    pattern = np.array([10.0, 30.0, 20.0, 40.0])
    frame = pd.concat([pd.DataFrame({"unique_id": f"p{i}", "ds": np.arange(1, 25),
                                     "y": np.tile(pattern * (i + 1), 6)}) for i in range(3)])
    pair = ("naive", "seasonal_naive")
    engine = Forecaster(horizon=4, season_length=4, candidates={"smooth": pair,
                                                                "erratic": pair})
    out = engine.forecast(frame)
    assert set(engine.series_["model"]) == {"seasonal_naive"}
    for i in range(3):
        assert np.allclose(out[out["unique_id"] == f"p{i}"]["forecast"], pattern * (i + 1))


def _walks(n_series: int = 6, n: int = 40, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.concat([pd.DataFrame({
        "unique_id": f"w{i}", "ds": np.arange(1, n + 1),
        "y": 200 + np.cumsum(rng.normal(rng.uniform(-1, 2), 4, n))}) for i in range(n_series)])


def test_pooled_choice_is_the_subset_with_the_lowest_pooled_backtest_smape() -> None:
    from itertools import combinations

    from salesflow.forecasting.metrics import smape

    frame = _walks()
    names = ("theta", "dotm", "naive")  # the winner here is not the first subset tried
    settings = {"horizon": 5, "n_windows": 2, "step": 3}
    losses = {}
    for k in (1, 2, 3):
        for subset in combinations(names, k):
            engine = Forecaster(**settings, strategy="combine",
                                candidates={"smooth": subset, "erratic": subset}).fit(frame)
            rows = [smape(a, f) for fit in engine.fits_
                    for a, f in zip(fit.backtest.actual, fit.backtest.forecast, strict=True)]
            losses[subset] = float(np.mean(rows))
    best = min(losses, key=losses.__getitem__)
    pooled = Forecaster(**settings, candidates={"smooth": names, "erratic": names}).fit(frame)
    label = best[0] if len(best) == 1 else f"median({','.join(best)})"
    assert set(pooled.series_["model"]) == {label}
    combined = Forecaster(**settings, strategy="combine",
                          candidates={"smooth": best, "erratic": best}).fit(frame)
    pd.testing.assert_frame_equal(pooled.predict(), combined.predict())


def test_intermittent_series_get_intermittent_models_and_quantiles() -> None:
    engine = Forecaster(horizon=4, n_windows=3)
    out = engine.forecast(_intermittent_frame())
    row = engine.series_.iloc[0]
    assert row["demand_class"] in ("intermittent", "lumpy")
    members = row["model"].removeprefix("median(").rstrip(")").split(",")
    assert set(members) <= set(INTERMITTENT_CANDIDATES)
    assert np.isfinite(row["backtest_mase"])
    assert (out["p10"] >= 0).all() and (out["p10"] <= out["p90"]).all()


def test_cross_validation_has_cutoffs_and_actuals() -> None:
    frame = _seasonal_frame(n_series=2, n=60, freq=None)
    cv = Forecaster(horizon=6, season_length=12, candidates=CHEAP).cross_validation(
        frame, n_windows=2, step=6)
    assert list(cv.columns[:6]) == ["unique_id", "ds", "cutoff", "y", "forecast", "model"]
    assert len(cv) == 2 * 2 * 6
    assert sorted(cv["cutoff"].unique()) == [48, 54]
    assert (cv["ds"] > cv["cutoff"]).all()
    truth = frame.set_index(["unique_id", "ds"])["y"]
    assert np.allclose(cv["y"], truth.loc[list(zip(cv["unique_id"], cv["ds"],
                                                   strict=True))].to_numpy())


def test_cross_validation_names_series_too_short() -> None:
    frame = _seasonal_frame(n_series=1, n=30, freq=None)
    with pytest.raises(InvalidInputError, match="cross-validation") as info:
        Forecaster(horizon=6, season_length=12).cross_validation(frame, n_windows=2)
    assert "'s0'" in str(info.value)


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f[f["ds"] <= f["ds"].min() + pd.DateOffset(months=3)], "fewer than the horizon"),
    (lambda f: f[f["ds"] < pd.Timestamp("2021-09-01")], "fewer than two seasons"),
    (lambda f: f.assign(y=f["y"].astype(object).where(f.index != 5, "abc")),
     "y must be a finite number"),
    (lambda f: f.assign(y=f["y"].where(f.index != 7)), "y is missing"),
    (lambda f: pd.concat([f, f.iloc[[3]]]), "has this ds twice"),
    (lambda f: f.drop(index=10), "irregular"),
])
def test_bad_input_is_answered_with_a_message_naming_the_series(change, message) -> None:
    frame = change(_seasonal_frame(n_series=1))
    with pytest.raises(InvalidInputError) as info:
        Forecaster(horizon=6, season_length=12, candidates=CHEAP).fit(frame)
    text = str(info.value)
    assert message in text
    assert "'s0'" in text


def test_irregular_integer_index_is_reported() -> None:
    frame = _seasonal_frame(n_series=2, freq=None)
    frame = frame.drop(index=frame.index[(frame["unique_id"] == "s1") & (frame["ds"] == 20)])
    with pytest.raises(InvalidInputError, match="series 's1' is irregular: ds goes from 19 to 21"):
        Forecaster(horizon=6).fit(frame)


def test_bad_settings_raise_value_errors() -> None:
    frame = _seasonal_frame(n_series=1)
    with pytest.raises(ValueError, match="strategy"):
        Forecaster(strategy="best").fit(frame)
    with pytest.raises(ValueError, match="model must be one of"):
        Forecaster(candidates={"smooth": ("prophet",)}).fit(frame)
    with pytest.raises(ValueError, match="horizon"):
        Forecaster(horizon=0).fit(frame)


def test_missing_columns_are_reported() -> None:
    with pytest.raises(InvalidInputError, match="required column is missing"):
        Forecaster().fit(pd.DataFrame({"unique_id": ["a"], "y": [1.0]}))
