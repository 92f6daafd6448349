"""The models the engine can try, by name, and which ones it tries for each demand class.

Names are what the forecast's ``model`` column shows. ``gbm`` is the global gradient-boosting
model: trained once across all series (:mod:`salesflow.forecasting.gbm`), it enters each
series' selection with its precomputed forecasts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from salesflow.forecasting.aggregation import ADIDA, IMAPA
from salesflow.forecasting.base import LocalForecaster
from salesflow.forecasting.ets import AutoETS
from salesflow.forecasting.intermittent import SBA, TSB, Croston
from salesflow.forecasting.naive import Naive, SeasonalNaive
from salesflow.forecasting.theta import OptimizedTheta, Theta

#: Forms of the fast ETS candidate: the non-seasonal ones (seasonality is decomposed first).
FAST_ETS_FORMS = ("ANN", "AAN", "AAdN", "MNN", "MAN", "MAdN")
#: Forms of the seasonal ETS candidate: damped trend with additive or multiplicative seasonal
#: states (the latter on positive data only), chosen by AICc.
SEASONAL_ETS_FORMS = ("AAdA", "MAdM")
#: Longest season the seasonal ETS candidate estimates states for (as ``forecast::ets``:
#: beyond it there are too many seasonal states for the data).
MAX_ETS_SEASON = 24

_FACTORIES: dict[str, Callable[[int], LocalForecaster]] = {
    "naive": lambda m: Naive(),
    "seasonal_naive": lambda m: SeasonalNaive(m),
    "theta": lambda m: Theta(m),
    "dotm": lambda m: OptimizedTheta(m, dynamic=True),
    "otm": lambda m: OptimizedTheta(m, dynamic=False),
    "ets": lambda m: AutoETS(m, forms=FAST_ETS_FORMS, seasonal="decompose"),
    "damped": lambda m: AutoETS(m, forms=("AAdN",), seasonal="decompose"),
    "ets_full": lambda m: AutoETS(m, forms=None, seasonal="native"),
    "ets_seasonal": lambda m: AutoETS(m, forms=SEASONAL_ETS_FORMS, seasonal="native",
                                      initialization="heuristic"),
    "croston": lambda m: Croston(),
    "sba": lambda m: SBA(),
    "tsb": lambda m: TSB(),
    "adida": lambda m: ADIDA(),
    "imapa": lambda m: IMAPA(),
}


def _arima(m: int) -> LocalForecaster:
    from salesflow.forecasting.arima import AutoARIMA

    return AutoARIMA(m)


_FACTORIES["arima"] = _arima

GLOBAL_MODELS = frozenset({"gbm"})
LOCAL_MODELS = frozenset(_FACTORIES)
MODEL_NAMES = tuple(sorted(LOCAL_MODELS | GLOBAL_MODELS))

#: What the engine tries on intermittent and lumpy demand: the naive forecast and Theta
#: (a series that sells again after a pause is often best followed by them), Croston, SBA and
#: TSB, and the temporal aggregation methods ADIDA and IMAPA. The pooled strategy picks, for all
#: such series together, the median of the subset with the lowest backtest MASE for the point
#: forecast and the member with the lowest backtest pinball loss for the quantiles
#: (:mod:`salesflow.forecasting.pooling`).
INTERMITTENT_CANDIDATES = ("naive", "theta", "sba", "tsb", "croston", "adida", "imapa")

#: What the engine tries per demand class unless told otherwise. For regular demand the
#: standard Theta method, the dynamic optimised Theta model and damped-trend ETS (all on the
#: seasonally adjusted series) and, for data with a season, the seasonal naive forecast and
#: seasonal ETS (damped trend, additive or multiplicative seasonal states by AICc, estimated
#: with the seasons instead of decomposed away first), combined by the pooled strategy (the
#: median of the subset with the lowest backtest sMAPE over all regular series). The seasonal
#: members add what a decomposition tested at 90 % misses or gets wrong: the seasonal
#: pattern changing over time, or a seasonality too weak for the test. (Seasonal ETS starts
#: from heuristic initial states, Hyndman et al. 2008 §2.6.1, so only the smoothing
#: parameters are estimated: about five times faster than estimating twelve seasonal states.)
#: On the M3 monthly and quarterly series the pooled choice keeps seasonal naive and seasonal
#: ETS in the median (sMAPE 13.48 and 9.00 where theta, dotm and damped alone scored 13.64 and
#: 9.09); without a season the candidates are the three of before. ETS over more forms and
#: ARIMA are available but cost a statsmodels fit per form or order.
DEFAULT_CANDIDATES: Mapping[str, tuple[str, ...]] = {
    "smooth": ("theta", "dotm", "damped", "seasonal_naive", "ets_seasonal"),
    "erratic": ("theta", "dotm", "damped", "seasonal_naive", "ets_seasonal"),
    "intermittent": INTERMITTENT_CANDIDATES,
    "lumpy": INTERMITTENT_CANDIDATES,
    "no_demand": ("naive",),
}

#: Default candidates that need a season: left out of the defaults when there is none
#: (``seasonal_naive`` would be ``naive``, ``ets_seasonal`` damped ETS again).
SEASONAL_MODELS = frozenset({"seasonal_naive", "ets_seasonal"})


def default_candidates(season_length: int) -> dict[str, tuple[str, ...]]:
    """:data:`DEFAULT_CANDIDATES` for data with ``season_length`` observations per season:
    without a season the seasonal models are left out, and seasonal ETS also beyond
    :data:`MAX_ETS_SEASON` (weekly data with a yearly season)."""
    drop = set(SEASONAL_MODELS) if season_length <= 1 else \
        {"ets_seasonal"} if season_length > MAX_ETS_SEASON else set()
    return {label: tuple(n for n in names if n not in drop)
            for label, names in DEFAULT_CANDIDATES.items()}


def make_model(name: str, season_length: int) -> LocalForecaster:
    """A fresh, unfitted local model.

    Raises
    ------
    ValueError
        If ``name`` is not a local model (see :data:`LOCAL_MODELS`).
    """
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"model must be one of {', '.join(sorted(LOCAL_MODELS))}; "
                         f"got {name!r}") from None
    return factory(season_length)


def resolve_candidates(candidates: Mapping[str, tuple[str, ...]] | None,
                       global_model: bool, season_length: int = 1) \
        -> dict[str, tuple[str, ...]]:
    """Candidates per class: the defaults for ``season_length`` (:func:`default_candidates`)
    updated by ``candidates`` (taken as given); ``gbm`` is added to the smooth and erratic
    classes (and to intermittent and lumpy when they have their default candidates) when
    ``global_model`` is set.

    Raises
    ------
    ValueError
        If a class or a model name is unknown, or a class gets no model.
    """
    chosen = default_candidates(season_length)
    for label, names in (candidates or {}).items():
        if label not in chosen:
            raise ValueError(f"demand class must be one of {', '.join(chosen)}; got {label!r}")
        names = tuple(names)
        if not names:
            raise ValueError(f"demand class {label!r} needs at least one model")
        for name in names:
            if name not in MODEL_NAMES:
                raise ValueError(f"model must be one of {', '.join(MODEL_NAMES)}; "
                                 f"got {name!r}")
        chosen[label] = names
    if global_model:
        given = set(candidates or {})
        for label in ("smooth", "erratic", "intermittent", "lumpy"):
            if label in ("intermittent", "lumpy") and label in given:
                continue
            if "gbm" not in chosen[label]:
                chosen[label] = (*chosen[label], "gbm")
    return chosen
