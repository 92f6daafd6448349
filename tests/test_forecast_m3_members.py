"""The offline search over medians of candidate models (benchmarks/forecast_m3_members.py)."""

from __future__ import annotations

import numpy as np
import pytest

from salesflow.benchmarks.forecast_m3_members import search, smape_rows


def test_smape_rows_hand_worked() -> None:
    actual = np.array([[100.0, 0.0], [50.0, 50.0]])
    forecast = np.array([[50.0, 0.0], [50.0, 150.0]])
    # row 1: 200*50/150 and 0 (both zero); row 2: 0 and 200*100/200
    np.testing.assert_allclose(smape_rows(actual, forecast), [200 / 3 / 2, 50.0])


def test_search_scores_every_median_and_mean_on_backtest_and_test() -> None:
    # two series, h = 1; "a" is right on the backtest, "b" on the test, "c" always off
    backtest = np.array([[[10.0], [20.0], [40.0]], [[10.0], [20.0], [40.0]]])
    final = np.array([[[30.0], [10.0], [5.0]], [[30.0], [10.0], [5.0]]])
    cache = {"names": ("a", "b", "c"), "backtest": backtest, "final": final,
             "backtest_actual": np.array([[10.0], [10.0]]), "test": np.array([[10.0], [10.0]])}
    results = search(cache, max_size=3)
    assert len(results) == 7 + 4  # a median per subset, a mean per subset of two or more
    scores = {(label, members): (b, t) for b, t, label, members in results}
    assert scores[("median", ("a",))] == (0.0, pytest.approx(100.0))
    assert scores[("median", ("b",))] == (pytest.approx(200 * 10 / 30), 0.0)
    # the median of all three is b's forecast in both parts
    assert scores[("median", ("a", "b", "c"))] == scores[("median", ("b",))]
    # the mean of a and b: 15 on the backtest, 20 on the test, against actuals of 10
    assert scores[("mean", ("a", "b"))] == (pytest.approx(200 * 5 / 25),
                                            pytest.approx(200 * 10 / 30))
    assert min(results)[3] == ("a",)
