"""statsmodels' ETS model without the parameters' covariance, for :class:`~salesflow.
forecasting.ets.AutoETS`.

``ETSResults`` computes a complex-step Hessian of the likelihood as soon as it is made (about
a twentieth of the engine's time on a large catalogue) for standard errors the engine never
reads. The model's own extension point for its results class (``_res_classes``) swaps in one
whose covariance is left undefined (``nan``); estimates, likelihood, AICc, fitted values and
forecasts are those of ``ETSModel``. A module of its own so that statsmodels is imported only
when an ETS model is fitted, and fitted models pickle (to and from worker processes).
"""

from __future__ import annotations

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults, ETSResultsWrapper


class LeanETSResults(ETSResults):
    """``ETSResults`` whose ``cov_params_approx`` is ``nan`` instead of a numerical Hessian."""

    @property
    def cov_params_approx(self) -> np.ndarray:
        k = len(self.params)
        return np.full((k, k), np.nan)


class LeanETSModel(ETSModel):
    """``ETSModel`` fitting to :class:`LeanETSResults`."""

    @property
    def _res_classes(self) -> dict[str, tuple[type, type]]:
        return {"fit": (LeanETSResults, ETSResultsWrapper)}
