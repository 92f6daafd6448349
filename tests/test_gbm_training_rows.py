"""The global model trains on its most recent rows and measures its spread on every period."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from salesflow.forecasting.gbm import GlobalGBM


def _series(seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.poisson(rng.uniform(0.5, 4.0), size=int(rng.integers(3, 40))).astype(float)
            for _ in range(25)]


def _all_rows(model: GlobalGBM, values: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Every (series, period) row in time order, built the plain way: features, target,
    owner."""
    width = max(v.size for v in values)
    rows, targets, owners = [], [], []
    for column in range(1, width):
        ok = np.flatnonzero(np.isfinite(model.scaled_[:, column])
                            & np.isfinite(model.scaled_[:, column - 1]))
        rows.append(model._features(model.scaled_, column, model.phase_, None, None)[ok])
        targets.append(model.scaled_[ok, column])
        owners.append(ok)
    return np.vstack(rows), np.concatenate(targets), np.concatenate(owners)


@pytest.mark.parametrize("max_rows", [1, 37, 200, 10_000])
def test_training_keeps_the_most_recent_rows_in_time_order(max_rows: int) -> None:
    values = _series()
    model = GlobalGBM(max_iter=5, max_rows=max_rows).fit(values)
    _, target, owner = _all_rows(model, values)
    picked = model._training_columns(model.scaled_)
    kept_owner = np.concatenate([ok for _, ok in picked])
    kept_target = np.concatenate([model.scaled_[ok, column] for column, ok in picked])
    n = min(max_rows, target.size)
    assert kept_owner.size == n
    assert np.array_equal(kept_owner, owner[-n:])
    assert np.array_equal(kept_target, target[-n:])
    assert [column for column, _ in picked] == sorted(column for column, _ in picked)


def test_the_spread_is_the_residual_root_mean_square_over_every_period() -> None:
    values = _series(seed=4)
    model = GlobalGBM(max_iter=10, max_rows=50).fit(values)  # trains on 50 rows only
    features, target, owner = _all_rows(model, values)
    fitted = model.regressor_.predict(features[:, model.columns_])
    residual = (target - fitted) * model.scale_[owner]
    for i in range(len(values)):
        mine = residual[owner == i]
        assert model.sigma_[i] == pytest.approx(np.sqrt(np.mean(mine ** 2)), rel=1e-12)


def test_a_single_value_per_series_has_no_training_row() -> None:
    with pytest.raises(ValueError, match="at least two observations"):
        GlobalGBM().fit([np.array([1.0]), np.array([2.0])])


def test_a_training_budget_below_one_row_is_refused() -> None:
    with pytest.raises(ValueError, match="max_rows must be a positive integer"):
        GlobalGBM(max_rows=0).fit([np.arange(5.0)])


def test_series_that_start_late_fit_and_forecast_without_numpy_warnings() -> None:
    """Series of unequal length are NaN before their first date in the model's table; a
    window with no value gives a NaN feature, not numpy's "Mean of empty slice" or "Degrees
    of freedom" warnings on the user's terminal."""
    values = _series(3)
    assert len({v.size for v in values}) > 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = GlobalGBM(max_iter=5).fit(values)
        mean, sd = model.predict(4)
    assert mean.shape == sd.shape == (len(values), 4)
    assert np.isfinite(mean).all() and np.isfinite(sd).all()
