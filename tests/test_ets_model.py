"""The lean ETS estimation gives statsmodels' estimates to the bit, on every form."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize._numdiff import approx_derivative
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from salesflow.forecasting.ets_model import LeanETSModel, forward_difference_gradient

#: (error, trend, damped, seasonal): every form ``AutoETS`` can ask for.
FORMS = [("add", None, False, None), ("add", "add", False, None), ("add", "add", True, None),
         ("mul", None, False, None), ("mul", "add", False, None), ("mul", "add", True, None),
         ("add", None, False, "add"), ("add", "add", True, "add"), ("mul", "add", True, "add"),
         ("mul", None, False, "mul"), ("mul", "add", False, "mul"), ("mul", "add", True, "mul")]


def _fit_both(y: np.ndarray, **form: object) -> tuple[object, object]:
    outcomes = []
    for model in (ETSModel, LeanETSModel):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                outcomes.append(model(y, **form).fit(disp=False))
            except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, OverflowError) as e:
                outcomes.append(type(e))
    return outcomes[0], outcomes[1]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(12, 80), kind=st.sampled_from(["trend", "season", "counts", "lognormal"]),
       seed=st.integers(0, 10_000), form=st.sampled_from(FORMS),
       initialization=st.sampled_from(["estimated", "heuristic"]))
def test_lean_fit_is_statsmodels_fit_to_the_bit(n: int, kind: str, seed: int,
                                                form: tuple, initialization: str) -> None:
    error, trend, damped, seasonal = form
    if seasonal and n < 26:
        n = 26
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = {"trend": np.maximum(0.5, 20 + np.cumsum(rng.normal(0, 2, n)) + rng.normal(0, 4, n)),
         "season": 50 + 10 * np.sin(t * 2 * np.pi / 12) + rng.normal(0, 3, n),
         "counts": rng.poisson(3, n) + 1.0,
         "lognormal": np.exp(rng.normal(3, 0.6, n))}[kind]
    full, lean = _fit_both(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                           seasonal_periods=12 if seasonal else None,
                           initialization_method=initialization)
    if isinstance(full, type):
        assert lean is full  # the same failure
        return
    assert np.array_equal(lean.params, full.params)
    assert lean.aicc == full.aicc or (np.isnan(lean.aicc) and np.isnan(full.aicc))
    assert np.array_equal(lean.forecast(4), full.forecast(4), equal_nan=True)
    assert lean.mle_retvals["iterations"] == full.mle_retvals["iterations"]
    assert lean.mle_retvals["converged"] == full.mle_retvals["converged"]
    assert lean.mle_settings["optimizer"] == full.mle_settings["optimizer"] == "lbfgs"


@settings(max_examples=100, deadline=None)
@given(x=st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=5),
       near=st.lists(st.sampled_from(["free", "lower", "upper", "tight"]), min_size=5,
                     max_size=5))
def test_forward_differences_are_scipys(x: list[float], near: list[str]) -> None:
    """Steps, their direction at a bound and their shortening in a tight box: the numbers of
    ``approx_derivative(method='2-point', abs_step=1e-8)`` as L-BFGS-B calls it."""
    x0 = np.array(x)
    lower, upper = np.full(x0.size, -np.inf), np.full(x0.size, np.inf)
    for i in range(x0.size):
        if near[i] == "lower":
            lower[i], upper[i] = x0[i], x0[i] + 1.0
        elif near[i] == "upper":
            lower[i], upper[i] = x0[i] - 1.0, x0[i] + 5e-9
        elif near[i] == "tight":
            lower[i], upper[i] = x0[i] - 3e-9, x0[i] + 2e-9

    def objective(v: np.ndarray) -> float:
        return float(np.sum(np.sin(3 * v) * v ** 2) + np.prod(np.cos(v)))

    f0 = objective(x0)
    expected = approx_derivative(objective, x0, method="2-point", abs_step=1e-8, f0=f0,
                                 bounds=(lower, upper))
    assert np.array_equal(forward_difference_gradient(objective, x0, f0, lower, upper),
                          np.ravel(expected))


def test_fixed_parameters_go_to_statsmodels() -> None:
    y = 30 + np.random.default_rng(4).normal(0, 2, 40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LeanETSModel(y, error="add", trend="add", damped_trend=True)
        with model.fix_params({"damping_trend": 0.9}):
            lean = model.fit(disp=False)
        reference = ETSModel(y, error="add", trend="add", damped_trend=True)
        with reference.fix_params({"damping_trend": 0.9}):
            full = reference.fit(disp=False)
    assert lean.damping_trend == pytest.approx(0.9)
    assert np.array_equal(lean.params, full.params)
