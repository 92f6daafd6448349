"""ADIDA and IMAPA on hand-worked series, and the pooled choice for intermittent demand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesflow.forecasting.aggregation import (
    ADIDA,
    ALPHA_GRID,
    IMAPA,
    aggregate,
    aggregation_level,
    best_alpha,
)
from salesflow.forecasting.candidates import INTERMITTENT_CANDIDATES, resolve_candidates
from salesflow.forecasting.engine import Forecaster

# demands in periods 1 and 5: intervals 2 and 4, mean 3
SERIES = np.array([0.0, 4.0, 0.0, 0.0, 0.0, 2.0])


def test_aggregation_level_and_buckets() -> None:
    assert aggregation_level(SERIES) == 3
    assert aggregate(SERIES, 3).tolist() == [4.0, 2.0]
    # the oldest periods that do not fill a bucket are dropped
    assert aggregate(np.arange(7.0), 3).tolist() == [1 + 2 + 3, 4 + 5 + 6]
    assert aggregation_level(np.zeros(5)) == 1


def test_adida_hand_worked() -> None:
    # buckets of 3: [4, 2]; SES with alpha 0.2 from 4: 4 + 0.2 * (2 - 4) = 3.6; per period 1.2
    model = ADIDA(alpha=0.2).fit(SERIES)
    assert model.aggregation_level_ == 3
    prediction = model.predict(3, (0.1, 0.5, 0.9))
    np.testing.assert_allclose(prediction.mean, [1.2, 1.2, 1.2])
    # two demands in six periods: no demand below the 2/3 quantile
    np.testing.assert_allclose(prediction.quantiles[0.1], 0.0)
    np.testing.assert_allclose(prediction.quantiles[0.5], 0.0)
    assert prediction.quantiles[0.9][0] > 0
    # two bucket sums are too few to estimate alpha: the lowest of the grid
    np.testing.assert_allclose(ADIDA().fit(SERIES).predict(1).mean, [(4 + 0.1 * (2 - 4)) / 3])


def test_imapa_hand_worked() -> None:
    # level 1: SES of the series from 0: 0, .8, .64, .512, .4096, then .4096 + .2 * 1.5904
    level1 = 0.4096 + 0.2 * (2 - 0.4096)
    # level 2: buckets [4, 0, 2]: 4, 3.2, 3.2 + .2 * (2 - 3.2) = 2.96, per period 1.48
    level2 = 2.96 / 2
    level3 = 3.6 / 3
    model = IMAPA(alpha=0.2).fit(SERIES)
    np.testing.assert_allclose(model.predict(2).mean, [(level1 + level2 + level3) / 3] * 2)


def test_best_alpha_follows_a_level_shift() -> None:
    assert best_alpha(np.full(10, 3.0)) == ALPHA_GRID[0]      # no error at all: the first
    assert best_alpha(np.r_[np.zeros(5), np.full(5, 10.0)]) == ALPHA_GRID[-1]


def test_adida_without_demand_and_bad_input() -> None:
    np.testing.assert_allclose(ADIDA().fit(np.zeros(6)).predict(2).mean, [0.0, 0.0])
    with pytest.raises(ValueError, match="non-negative"):
        IMAPA().fit([1.0, -1.0, 0.0])
    with pytest.raises(ValueError, match="alpha"):
        ADIDA(alpha=1.5).fit(SERIES)


def _frame(series: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"unique_id": uid, "ds": np.arange(1, y.size + 1), "y": y})
                      for uid, y in series.items()], ignore_index=True)


def test_pooled_choice_gives_naive_where_naive_clearly_wins() -> None:
    # demand that runs in long blocks (sells 4 a period for 10 periods, then nothing for 10):
    # the last value is right except at a switch, every smoother is wrong everywhere
    series = {}
    for i in range(8):
        t = np.arange(80) + 3 * i
        series[f"s{i}"] = np.where((t // 10) % 2 == 0, 4.0, 0.0)
    engine = Forecaster(horizon=2, n_windows=6, step=1)
    engine.fit(_frame(series))
    summary = engine.series_
    assert set(summary["demand_class"]) == {"intermittent"}
    assert set(summary["model"]) == {"naive"}
    out = engine.predict()
    for uid, y in series.items():
        np.testing.assert_allclose(out.loc[out["unique_id"] == uid, "forecast"], y[-1])


def test_pooled_choice_is_one_for_the_pool_and_uses_own_quantiles() -> None:
    rng = np.random.default_rng(3)
    series = {f"r{i}": np.where(rng.random(60) < 0.25, rng.integers(1, 8, 60), 0).astype(float)
              for i in range(6)}
    engine = Forecaster(horizon=4, n_windows=3)
    out = engine.forecast(_frame(series))
    summary = engine.series_
    assert set(summary["demand_class"]) <= {"intermittent", "lumpy"}
    assert summary["model"].nunique() == 1
    members = summary["model"].iloc[0].removeprefix("median(").rstrip(")").split(",")
    assert set(members) <= set(INTERMITTENT_CANDIDATES)
    # quantiles from an intermittent distribution: zero below the share of periods without
    assert (out["p10"] == 0).all()
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()


def test_global_model_joins_the_default_intermittent_candidates_only() -> None:
    chosen = resolve_candidates(None, True, 12)
    assert chosen["intermittent"] == (*INTERMITTENT_CANDIDATES, "gbm")
    given = resolve_candidates({"lumpy": ("sba",)}, True, 12)
    assert given["lumpy"] == ("sba",)


def test_quantile_scores_hand_worked() -> None:
    from salesflow.forecasting.evaluation import score_quantiles

    # history 0, 2, 0, 2: one-step scale 2; test 1 and 3
    train = pd.DataFrame({"unique_id": "a", "ds": [1, 2, 3, 4], "y": [0.0, 2.0, 0.0, 2.0]})
    test = pd.DataFrame({"unique_id": "a", "ds": [5, 6], "y": [1.0, 3.0]})
    forecast = pd.DataFrame({"unique_id": "a", "ds": [5, 6], "forecast": [2.0, 2.0],
                             "p10": [0.0, 0.0], "p50": [1.0, 1.0], "p90": [4.0, 4.0]})
    scores, per_series = score_quantiles(forecast, test, train)
    assert scores.mase == pytest.approx(1.0 / 2)                    # mean |error| 1, scale 2
    assert scores.rmsse == pytest.approx(np.sqrt(1.0 / 4))          # mean squared error 1 / 4
    # pinball, then divided by the scale 2: p10 = 0 under both actuals, (0.1 + 0.3) / 2;
    # p50 = 1: (0 + 0.5 * 2) / 2; p90 = 4 above both: (0.1 * 3 + 0.1 * 1) / 2
    p10, p50, p90 = 0.2 / 2, 0.5 / 2, 0.2 / 2
    assert scores.pinball_by_level == pytest.approx({"p10": p10, "p50": p50, "p90": p90})
    assert scores.pinball == pytest.approx((p10 + p50 + p90) / 3)
    assert scores.coverage == 1.0
    assert per_series["unique_id"].tolist() == ["a"]
