"""Local forecasting models: estimator rules, exact small cases, classification, metrics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from salesflow.data.errors import NotFittedError
from salesflow.forecasting.candidates import LOCAL_MODELS, make_model
from salesflow.forecasting.classify import classify_demand
from salesflow.forecasting.ets import AutoETS, parse_form
from salesflow.forecasting.intermittent import SBA, TSB, Croston
from salesflow.forecasting.metrics import coverage, mase, pinball, smape, wape
from salesflow.forecasting.naive import Naive, SeasonalNaive
from salesflow.forecasting.seasonality import is_seasonal, seasonal_adjustment
from salesflow.forecasting.theta import OptimizedTheta, Theta

FAST_MODELS = sorted(LOCAL_MODELS - {"arima", "ets_full"})
RNG_SERIES = 50 + 10 * np.sin(np.arange(48) * 2 * np.pi / 12) \
    + np.random.default_rng(3).normal(0, 1, 48)


@pytest.mark.parametrize("name", FAST_MODELS)
def test_estimator_rules(name: str) -> None:
    model = make_model(name, 12)
    params = model.get_params()
    assert clone(model).get_params() == params
    with pytest.raises(NotFittedError):
        model.predict(3)
    assert model.fit(RNG_SERIES) is model
    learned = [k for k in vars(model) if k not in params]
    assert learned and all(k.endswith("_") for k in learned)
    assert model.get_params() == params  # fit does not change the parameters
    pred = model.predict(5, [0.1, 0.5, 0.9])
    assert pred.mean.shape == (5,) and np.isfinite(pred.mean).all()
    assert (pred.sd >= 0).all()
    assert (pred.quantile(0.1) <= pred.quantile(0.9)).all()


@pytest.mark.slow
def test_arima_estimator_rules() -> None:
    from salesflow.forecasting.arima import AutoARIMA

    model = AutoARIMA(12)
    with pytest.raises(NotFittedError):
        model.predict(3)
    assert model.fit(RNG_SERIES) is model
    assert model.order_[1] in (0, 1, 2)
    assert np.isfinite(model.predict(6).mean).all()


def test_predict_rejects_bad_horizon_and_levels() -> None:
    model = Theta().fit([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="horizon"):
        model.predict(0)
    with pytest.raises(ValueError, match="quantile levels"):
        model.predict(2, [1.5])


def test_seasonal_naive_repeats_the_last_season() -> None:
    y = np.array([1, 2, 3, 4, 10, 20, 30, 40], dtype=float)
    assert SeasonalNaive(4).fit(y).predict(6).mean.tolist() == [10, 20, 30, 40, 10, 20]
    assert Naive().fit(y).predict(2).mean.tolist() == [40, 40]


def test_croston_hand_worked() -> None:
    # sizes 3, 5, 4 and intervals 2, 3, 2; SES with alpha 0.5 started at the first value:
    # size 3 -> 4 -> 4, interval 2 -> 2.5 -> 2.25; forecast 4 / 2.25 = 16/9.
    y = [0, 3, 0, 0, 5, 0, 4]
    model = Croston(alpha=0.5).fit(y)
    assert model.size_ == pytest.approx(4.0)
    assert model.interval_ == pytest.approx(2.25)
    pred = model.predict(3, [0.1, 0.5, 0.9])
    assert pred.mean == pytest.approx([16 / 9] * 3)
    # demand in a period with probability 1/2.25: no demand below level 1 - 4/9 = 5/9
    assert pred.quantiles[0.5] == pytest.approx([0.0] * 3)
    # level 0.9 -> 0.775 within the sizes 3, 4, 5 -> 4.55
    assert pred.quantiles[0.9] == pytest.approx([4.55] * 3)
    assert SBA(alpha=0.5).fit(y).predict(1).mean == pytest.approx([16 / 9 * 0.75])


def test_tsb_hand_worked() -> None:
    # probability starts at 3/7 and is updated every period with beta 0.5 on 0,1,0,0,1,0,1:
    # 3/14, 17/28, 17/56, 17/112, 129/224, 129/448, 577/896; size 3 -> 4 -> 4.
    model = TSB(alpha_size=0.5, alpha_probability=0.5).fit([0, 3, 0, 0, 5, 0, 4])
    assert model.probability_ == pytest.approx(577 / 896)
    assert model.predict(2).mean == pytest.approx([4 * 577 / 896] * 2)


def test_intermittent_models_without_demand_forecast_zero() -> None:
    for model in (Croston(), SBA(), TSB()):
        pred = model.fit(np.zeros(10)).predict(4, [0.1, 0.9])
        assert pred.mean.tolist() == [0.0] * 4
        assert pred.quantiles[0.9].tolist() == [0.0] * 4


def test_intermittent_models_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Croston().fit([0, -1, 2])
    with pytest.raises(ValueError, match="alpha"):
        Croston(alpha=0).fit([0, 1, 2])
    with pytest.raises(ValueError, match="finite"):
        TSB().fit([0, np.nan, 2])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.just(0.0), st.floats(0.5, 1e4)), min_size=1, max_size=80))
def test_intermittent_quantiles_are_ordered_and_non_negative(values: list[float]) -> None:
    for model in (Croston(), SBA(), TSB()):
        pred = model.fit(values).predict(3, [0.1, 0.5, 0.9])
        q = pred.quantiles
        assert (q[0.1] >= 0).all()
        assert (q[0.1] <= q[0.5]).all() and (q[0.5] <= q[0.9]).all()
        assert (pred.mean >= 0).all()


def test_theta_on_a_line_drifts_at_half_the_slope() -> None:
    y = 10 + 2 * np.arange(30.0)
    mean = Theta().fit(y).predict(4).mean
    assert np.diff(mean) == pytest.approx([1.0] * 3)  # theta = 2 halves the trend
    # the optimised static line reproduces an exact line
    assert OptimizedTheta(dynamic=False).fit(y).predict(3).mean == pytest.approx([70, 72, 74])


def test_constant_series_forecast_the_constant() -> None:
    y = np.full(24, 7.0)
    for model in (Theta(), OptimizedTheta(), OptimizedTheta(dynamic=False), AutoETS(),
                  SeasonalNaive(12)):
        assert model.fit(y).predict(3).mean == pytest.approx([7.0] * 3)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(1, 1e5), min_size=3, max_size=60), st.integers(1, 12))
def test_theta_family_is_finite_on_positive_series(values: list[float], m: int) -> None:
    for model in (Theta(m), OptimizedTheta(m), OptimizedTheta(m, dynamic=False)):
        pred = model.fit(values).predict(6)
        assert np.isfinite(pred.mean).all() and np.isfinite(pred.sd).all()
        assert 0.1 <= model.alpha_ <= 0.99


def test_ets_picks_a_trend_for_a_trending_series() -> None:
    y = 100 + 3 * np.arange(40.0) + np.random.default_rng(0).normal(0, 1, 40)
    model = AutoETS(forms=("ANN", "AAN", "AAdN")).fit(y)
    assert parse_form(model.form_)[1] in ("A", "Ad")
    assert model.predict(1).mean[0] > y[-1]


@pytest.mark.parametrize("form", [dict(error="add", trend="add", damped_trend=True),
                                  dict(error="mul", trend="add", damped_trend=True),
                                  dict(error="add", seasonal="add", seasonal_periods=12)])
def test_lean_ets_results_equal_statsmodels_but_for_the_covariance(form: dict) -> None:
    import pickle
    import warnings

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    from salesflow.forecasting.ets_model import LeanETSModel

    y = RNG_SERIES + np.arange(48) * 0.3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full, lean = ETSModel(y, **form).fit(disp=False), LeanETSModel(y, **form).fit(disp=False)
    assert np.array_equal(lean.params, full.params) and lean.aicc == full.aicc
    assert np.array_equal(lean.fittedvalues, full.fittedvalues)
    assert np.array_equal(lean.forecast(6), full.forecast(6))
    assert np.isfinite(full.cov_params_approx).all() and np.isnan(lean.cov_params_approx).all()
    assert np.array_equal(pickle.loads(pickle.dumps(lean)).forecast(6), full.forecast(6))


def test_ets_rejects_unknown_forms() -> None:
    with pytest.raises(ValueError, match="ETS form"):
        AutoETS(forms=("XYZ",)).fit(np.arange(1.0, 20.0))


def test_seasonality_test_and_decomposition() -> None:
    t = np.arange(60)
    seasonal = 100 * (1 + 0.3 * np.sin(2 * np.pi * t / 12))
    assert is_seasonal(seasonal, 12)
    noise = np.random.default_rng(1).normal(100, 1, 60)
    assert not is_seasonal(noise, 12)
    assert not is_seasonal(seasonal[:24], 12)  # needs more than two seasons
    adjustment = seasonal_adjustment(seasonal, 12)
    assert adjustment.kind == "multiplicative"
    assert adjustment.restore(adjustment.adjust(seasonal), 0) == pytest.approx(seasonal)
    assert np.ptp(adjustment.adjust(seasonal)) < 0.1 * np.ptp(seasonal)


@pytest.mark.parametrize(("y", "label"), [
    ([1, 1, 1, 1], "smooth"),
    ([1, 10, 1, 10], "erratic"),          # CV² = 20.25 / 30.25 = 0.67
    ([0, 0, 5, 0, 0, 5, 0, 0, 5], "intermittent"),  # ADI 3, CV² 0
    ([0, 0, 1, 0, 0, 9, 0, 0, 1], "lumpy"),  # CV² = 1.06
    ([0, 0, 0], "no_demand"),
])
def test_demand_classes(y: list[float], label: str) -> None:
    assert classify_demand(np.array(y, dtype=float)).label == label


def test_classification_figures() -> None:
    cls = classify_demand(np.array([0, 2, 0, 0, 4, 0.0]))
    assert cls.adi == pytest.approx(3.0)
    assert cls.cv2 == pytest.approx(1 / 9)  # sizes 2, 4: variance 1, mean 3
    assert cls.intermittent


def test_metrics_small_exact_cases() -> None:
    assert smape([100, 0], [50, 0]) == pytest.approx((200 * 50 / 150) / 2)
    assert mase([3, 5], [4, 4], history=[1, 2, 3, 4], season_length=1) == pytest.approx(1.0)
    assert mase([3], [3], history=[5, 5, 5]) != mase([3], [3], history=[5, 5, 5])  # nan
    assert wape([10, 10], [5, 15]) == pytest.approx(0.5)
    assert pinball([10], [8], 0.9) == pytest.approx(1.8)
    assert pinball([10], [12], 0.9) == pytest.approx(0.2)
    assert coverage([1, 5, 9], [0, 0, 0], [6, 6, 6]) == pytest.approx(2 / 3)
