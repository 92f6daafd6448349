"""Exponential smoothing (ETS) with the error, trend and seasonal form chosen by AICc.

statsmodels' :class:`~statsmodels.tsa.exponential_smoothing.ets.ETSModel` fits each form by
maximum likelihood; this wrapper tries the candidate forms and keeps the one with the smallest
corrected Akaike criterion, as ``forecast::ets`` does. A form is written as in Hyndman et al.
(2008): error ``A``/``M``, trend ``N``/``A``/``Ad`` (damped), season ``N``/``A``/``M``, for
example ``"AAdN"`` or ``"MNM"``. Forms with additive errors and multiplicative seasons are left
out (numerically unstable, as in ``forecast::ets``), multiplicative ones need positive data.

``seasonal="decompose"`` (the fast mode used by the engine) removes a tested seasonality by
classical decomposition and fits only the non-seasonal forms to the adjusted series, which is
several times faster than estimating seasonal states; ``seasonal="native"`` estimates them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np

from salesflow.forecasting.base import LocalForecaster, as_series, check_season_length
from salesflow.forecasting.seasonality import NO_SEASON, seasonal_adjustment

ALL_FORMS = ("ANN", "AAN", "AAdN", "MNN", "MAN", "MAdN",
             "ANA", "AAA", "AAdA", "MNA", "MAA", "MAdA", "MNM", "MAM", "MAdM")
_FORM = re.compile(r"^([AM])(N|A|Ad)([NAM])$")


def parse_form(form: str) -> tuple[str, str, str]:
    """Split ``"MAdN"`` into ``("M", "Ad", "N")``.

    Raises
    ------
    ValueError
        If ``form`` is not an ETS form.
    """
    match = _FORM.match(form)
    if not match:
        raise ValueError(f"ETS form must look like 'AAdN' (error A|M, trend N|A|Ad, "
                         f"season N|A|M); got {form!r}")
    return match.group(1), match.group(2), match.group(3)


def relative_variance(form: str, steps: np.ndarray, alpha: float, beta: float, phi: float,
                      gamma: float, season_length: int) -> np.ndarray:
    """Forecast error variance per step divided by the one-step variance.

    Exact for the additive-error classes ANN, AAN, AAdN and ANA (Hyndman et al. 2008,
    table 6.1); other forms use the formula of their trend with the seasonal term added,
    a first-order approximation the engine's interval calibration corrects.
    """
    _, trend, season = parse_form(form)
    h = steps.astype(np.float64)
    out = 1.0 + alpha ** 2 * (h - 1.0)
    if trend == "A":
        out = 1.0 + (h - 1.0) * (alpha ** 2 + alpha * beta * h + beta ** 2 * h / 6 * (2 * h - 1))
    elif trend == "Ad" and phi < 1.0:
        out = (1.0 + alpha ** 2 * (h - 1.0)
               + beta * phi * h / (1 - phi) ** 2 * (2 * alpha * (1 - phi) + beta * phi)
               - beta * phi * (1 - phi ** h) / ((1 - phi) ** 2 * (1 - phi ** 2))
               * (2 * alpha * (1 - phi ** 2) + beta * phi * (1 + 2 * phi - phi ** h)))
    if season != "N":
        seasons = np.floor((h - 1.0) / season_length)
        out = out + gamma * seasons * (2 * alpha + gamma)
    return np.maximum(out, 1.0)


class AutoETS(LocalForecaster):
    """ETS with the form chosen by AICc among ``forms``.

    Parameters
    ----------
    season_length:
        Observations per season; 1 for none.
    forms:
        Forms to try (default: all 15 of :data:`ALL_FORMS`). A single form fits that model.
    seasonal:
        ``"decompose"``: remove a tested seasonality by classical decomposition and fit the
        non-seasonal forms; ``"native"``: estimate seasonal states (needs two full seasons
        and two more observations, else only non-seasonal forms are tried).
    initialization:
        ``"estimated"``: the initial states are parameters of the likelihood;
        ``"heuristic"``: they come from a decomposition of the first seasons (Hyndman et al.
        2008, section 2.6.1) and only the smoothing parameters are estimated, several times
        faster with seasonal states (needs two full seasons and
        ten points, else estimated).
    """

    name = "ets"

    def __init__(self, season_length: int = 1, forms: Sequence[str] | None = None,
                 seasonal: str = "decompose", initialization: str = "estimated") -> None:
        self.season_length = season_length
        self.forms = forms
        self.seasonal = seasonal
        self.initialization = initialization

    def _candidate_forms(self, z: np.ndarray, native_season: bool) -> list[str]:
        forms = list(ALL_FORMS if self.forms is None else self.forms)
        for form in forms:
            parse_form(form)
        if not native_season:
            forms = list(dict.fromkeys(f[:-1] + "N" for f in forms))
        positive = bool(np.all(z > 0))
        return [f for f in forms
                if (positive or ("M" not in (f[0], f[-1])))]

    def _initialization(self, n: int, m: int, season: str) -> str:
        # statsmodels' heuristic needs ten points, with a season also two full seasons and
        # ten seasonally adjusted points
        enough = n >= (max(2 * m, 10 + 2 * (m // 2)) if season != "N" else 10)
        return "heuristic" if self.initialization == "heuristic" and enough else "estimated"

    def fit(self, y: Sequence[float] | np.ndarray) -> AutoETS:
        """Fit every candidate form and keep the one with the smallest AICc.

        Raises
        ------
        ValueError
            If ``y`` is empty or not finite, ``seasonal`` or a form is invalid, or no form
            could be fitted (statsmodels failed on every one).
        """
        from salesflow.forecasting.ets_model import LeanETSModel as ETSModel

        m = check_season_length(self.season_length)
        if self.seasonal not in ("decompose", "native"):
            raise ValueError(f"seasonal must be 'decompose' or 'native'; got {self.seasonal!r}")
        if self.initialization not in ("estimated", "heuristic"):
            raise ValueError(f"initialization must be 'estimated' or 'heuristic'; "
                             f"got {self.initialization!r}")
        values = as_series(y)
        native = self.seasonal == "native" and m > 1 and values.size >= 2 * m + 2
        adjustment = NO_SEASON if native else seasonal_adjustment(values, m)
        z = adjustment.adjust(values)
        best, best_form, best_ic = None, "", np.inf
        for form in self._candidate_forms(z, native):
            error, trend, season = parse_form(form)
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    model = ETSModel(
                        z, error="add" if error == "A" else "mul",
                        trend=None if trend == "N" else "add", damped_trend=trend == "Ad",
                        seasonal={"N": None, "A": "add", "M": "mul"}[season],
                        seasonal_periods=m if season != "N" else None,
                        initialization_method=self._initialization(z.size, m, season))
                    result = model.fit(disp=False)
            except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, OverflowError):
                continue
            ic = float(result.aicc)
            forecast_ok = np.isfinite(result.forecast(1)).all()
            if np.isfinite(ic) and forecast_ok and ic < best_ic:
                best, best_form, best_ic = result, form, ic
        if best is None:
            raise ValueError("no ETS form could be fitted to this series")
        residuals = z - np.asarray(best.fittedvalues, dtype=np.float64)
        self.adjustment_ = adjustment
        self.form_ = best_form
        self.aicc_ = best_ic
        self.result_ = best
        self.sigma_ = float(np.sqrt(np.mean(residuals[np.isfinite(residuals)] ** 2)))
        self.n_obs_ = values.size
        return self

    def _predict(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        result, n = self.result_, self.n_obs_
        mean = np.asarray(result.forecast(horizon), dtype=np.float64)
        relative = relative_variance(
            self.form_, np.arange(1, horizon + 1), float(result.smoothing_level),
            float(getattr(result, "smoothing_trend", 0.0) or 0.0),
            float(getattr(result, "damping_trend", 1.0) or 1.0),
            float(getattr(result, "smoothing_seasonal", 0.0) or 0.0),
            max(int(self.season_length), 1))
        sd = self.sigma_ * np.sqrt(relative)
        return self.adjustment_.restore(mean, n), self.adjustment_.scale(sd, n)
