"""Demand forecasting (DESIGN §2): models, demand classification, backtests, metrics, the engine.

The front doors: :class:`Forecaster`, the engine over the long frame ``unique_id, ds, y``
(``fit``/``predict``, ``forecast``, ``cross_validation``), and :func:`forecast_stage`, the
weekly cycle's forecast of demand per SKU and week from a dataset's sales history. Importing
this package loads none of its modules until one of these names is used.

>>> from salesflow.forecasting import Forecaster
>>> Forecaster(horizon=8, season_length=52).forecast(long_frame)   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.forecasting.baseline import seasonal_naive_forecast
    from salesflow.forecasting.candidates import MODEL_NAMES, make_model
    from salesflow.forecasting.classify import DemandClass, classify_demand
    from salesflow.forecasting.engine import Forecaster
    from salesflow.forecasting.series import weekly_demand
    from salesflow.forecasting.stage import (
        ForecastResult,
        baseline_forecast_stage,
        demand_forecast,
        forecast_stage,
    )
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "seasonal_naive_forecast": "baseline",
        "MODEL_NAMES": "candidates",
        "make_model": "candidates",
        "DemandClass": "classify",
        "classify_demand": "classify",
        "Forecaster": "engine",
        "weekly_demand": "series",
        "ForecastResult": "stage",
        "baseline_forecast_stage": "stage",
        "demand_forecast": "stage",
        "forecast_stage": "stage",
    })

__all__ = [
    "MODEL_NAMES",
    "DemandClass",
    "ForecastResult",
    "Forecaster",
    "baseline_forecast_stage",
    "classify_demand",
    "demand_forecast",
    "forecast_stage",
    "make_model",
    "seasonal_naive_forecast",
    "weekly_demand",
]
