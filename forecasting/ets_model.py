"""statsmodels' ETS model, estimated without its per-call overhead, for :class:`~salesflow.
forecasting.ets.AutoETS`.

Two things in ``ETSModel`` cost time the engine gets nothing for:

- ``ETSResults`` computes a complex-step Hessian of the likelihood as soon as it is made
  (about a twentieth of the engine's time on a large catalogue) for standard errors the engine
  never reads. The model's own extension point for its results class (``_res_classes``) swaps
  in one whose covariance is left undefined (``nan``).
- ``ETSModel.fit`` maximises the likelihood with L-BFGS-B and a gradient by forward
  differences that scipy computes (``approx_grad``): a few hundred likelihood calls per fit,
  each passing through scipy's finite-difference machinery and statsmodels' generic wrappers,
  which took about three quarters of a fit's time; the smoothing recursion itself (statsmodels'
  Cython) about a sixth. :meth:`LeanETSModel.fit` runs the same optimiser from the same start
  on the same objective, with the same forward differences (same steps, same bound handling as
  ``scipy.optimize.approx_derivative``), computed here directly: the estimates are those of
  ``ETSModel.fit`` to the bit (tested against it on drawn series of every form), so are the
  likelihood, AICc, fitted values and forecasts. The optimiser's loop around scipy's
  L-BFGS-B routine is :func:`minimize_lbfgsb`: ``fmin_l_bfgs_b``'s loop without the wrappers
  it puts around every call of the objective (tested to return what it returns).

A module of its own so that statsmodels is imported only when an ETS model is fitted, and
fitted models pickle (to and from worker processes).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.optimize import fmin_l_bfgs_b
from statsmodels.tools.tools import Bunch
from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults, ETSResultsWrapper

try:  # scipy's L-BFGS-B routine, the one fmin_l_bfgs_b drives (private: checked on import)
    from scipy.optimize import _lbfgsb as _lbfgsb_routine
except ImportError:  # pragma: no cover - a scipy without it: fmin_l_bfgs_b itself
    _lbfgsb_routine = None

#: ``scipy.optimize.fmin_l_bfgs_b``'s defaults, which ``ETSModel.fit`` leaves in place.
_MAXFUN = 15000
_FD_STEP = 1e-8
_SQRT_EPS = float(np.sqrt(np.finfo(np.float64).eps))
#: ``fmin_l_bfgs_b``'s other defaults: corrections kept, ``factr``, ``pgtol``, line-search steps.
_CORRECTIONS, _FACTR, _PGTOL, _MAXLS = 10, 1e7, 1e-5, 20


class LeanETSResults(ETSResults):
    """``ETSResults`` whose ``cov_params_approx`` is ``nan`` instead of a numerical Hessian."""

    @property
    def cov_params_approx(self) -> np.ndarray:
        k = len(self.params)
        return np.full((k, k), np.nan)


def forward_difference_gradient(objective: Callable[[np.ndarray], float], x0: np.ndarray,
                                f0: float, lower: np.ndarray, upper: np.ndarray
                                ) -> np.ndarray:
    """The gradient of ``objective`` at ``x0`` by forward differences, as scipy's L-BFGS-B
    computes it when given no gradient (``approx_derivative(method='2-point',
    abs_step=1e-8)`` within the bounds): the same steps, turned backwards or shortened
    where a bound is closer than the step, so the same numbers. The few parameters are
    stepped as Python floats (the same IEEE arithmetic as numpy's, without its per-call
    cost on arrays of two to five)."""
    point = x0.tolist()
    shifted = np.array(x0, dtype=np.float64)
    gradient = np.empty(len(point))
    for i, (x, low, high) in enumerate(zip(point, lower.tolist(), upper.tolist(),
                                           strict=True)):
        step = _FD_STEP
        if (x + step) - x == 0:
            step = _SQRT_EPS * (1.0 if x >= 0 else -1.0) * max(1.0, abs(x))
        below, above = x - low, high - x
        fitting = abs(step) <= max(below, above)
        if fitting:
            if x + step < low or x + step > high:
                step = -step
        elif above >= below:
            step = above
        else:
            step = -below
        shifted[i] = x + step
        gradient[i] = (objective(shifted) - f0) / ((x + step) - x)
        shifted[i] = x0[i]
    return gradient


def minimize_lbfgsb(value_and_gradient: Callable[[np.ndarray], tuple[float, np.ndarray]],
                    x0: np.ndarray, bounds: list[tuple[float, float]], maxiter: int,
                    maxfun: int) -> tuple[np.ndarray, float, dict[str, Any]]:
    """``fmin_l_bfgs_b(value_and_gradient, x0, bounds=bounds, maxiter=maxiter,
    maxfun=maxfun)`` (its other options at their defaults), returning what it returns: the
    same loop around scipy's L-BFGS-B routine (the objective evaluated at the start, then
    wherever the routine asks, a point asked twice in a row not evaluated again; the
    iteration and evaluation limits checked at each new iteration), without the wrappers
    scipy puts around the objective at every call (about a third of an ETS fit). Where
    scipy's routine is missing or is called otherwise (:func:`checked_routine`: the Fortran
    one before scipy 1.15 takes other arguments), ``fmin_l_bfgs_b`` itself runs."""
    routine = checked_routine()
    if routine is None:
        return fmin_l_bfgs_b(value_and_gradient, x0, bounds=bounds, maxiter=maxiter,
                             maxfun=maxfun)
    return _lbfgsb_loop(routine, value_and_gradient, x0, bounds, maxiter, maxfun)


def _probe(x: np.ndarray) -> tuple[float, np.ndarray]:
    """A small curved objective and its gradient (:func:`checked_routine`'s test)."""
    d = x - np.array([0.3, -1.2, 2.0])
    return float(np.sum(d ** 4 + d ** 2) + 3.0 * (x[1] - x[0] ** 2) ** 2), \
        4 * d ** 3 + 2 * d + np.array([-12.0 * x[0] * (x[1] - x[0] ** 2),
                                       6.0 * (x[1] - x[0] ** 2), 0.0])


@functools.cache
def checked_routine() -> Callable[..., Any] | None:
    """scipy's L-BFGS-B routine if the loop of :func:`minimize_lbfgsb` drives it as this
    scipy's ``fmin_l_bfgs_b`` does: checked once per process on a small problem with bounds
    on both sides, one side and none (the same point, value and counts, or ``None``)."""
    routine = getattr(_lbfgsb_routine, "setulb", None)
    if routine is None:
        return None
    start = np.array([2.5, 0.5, -1.0])
    bounds: list[tuple[float, float]] = [(-1.0, 2.0), (-3.0, np.inf), (-np.inf, np.inf)]
    try:
        x, f, info = _lbfgsb_loop(routine, _probe, start, bounds, 100, 200)
    except Exception:  # another scipy's routine refusing these arguments
        return None
    x_ref, f_ref, ref = fmin_l_bfgs_b(_probe, start, bounds=bounds, maxiter=100, maxfun=200)
    same = x.tobytes() == np.asarray(x_ref, dtype=np.float64).tobytes() and \
        float(f) == float(f_ref) and \
        (info["funcalls"], info["nit"], info["warnflag"]) == \
        (ref["funcalls"], ref["nit"], ref["warnflag"])
    return routine if same else None


def _lbfgsb_loop(routine: Callable[..., Any],
                 value_and_gradient: Callable[[np.ndarray], tuple[float, np.ndarray]],
                 x0: np.ndarray, bounds: list[tuple[float, float]], maxiter: int,
                 maxfun: int) -> tuple[np.ndarray, float, dict[str, Any]]:
    """:func:`minimize_lbfgsb`'s loop around ``routine`` (scipy 1.15's ``setulb``)."""
    n = x0.size
    lower = np.array([-np.inf if b[0] is None else float(b[0]) for b in bounds])
    upper = np.array([np.inf if b[1] is None else float(b[1]) for b in bounds])
    nbd = np.zeros(n, np.int32)
    low_bnd, upper_bnd = np.zeros(n, np.float64), np.zeros(n, np.float64)
    for i in range(n):
        finite_low, finite_high = not np.isinf(lower[i]), not np.isinf(upper[i])
        if finite_low:
            low_bnd[i] = lower[i]
        if finite_high:
            upper_bnd[i] = upper[i]
        # scipy's codes: 0 unbounded, 1 lower only, 2 both, 3 upper only
        nbd[i] = (2 if finite_high else 1) if finite_low else (3 if finite_high else 0)
    x = np.array(np.clip(np.asarray(x0, dtype=np.float64).ravel(), lower, upper),
                 dtype=np.float64)
    m = _CORRECTIONS
    wa = np.zeros(2 * m * n + 5 * n + 11 * m * m + 8 * m, np.float64)
    iwa = np.zeros(3 * n, dtype=np.int32)
    task = np.zeros(2, dtype=np.int32)
    ln_task = np.zeros(2, dtype=np.int32)
    lsave = np.zeros(4, dtype=np.int32)
    isave = np.zeros(44, dtype=np.int32)
    dsave = np.zeros(29, dtype=np.float64)
    factr = _FACTR * np.finfo(float).eps / np.finfo(float).eps  # as scipy passes it back
    # the objective at the start, as scipy evaluates it before the routine's first call
    evaluated = x.copy()
    value, gradient = value_and_gradient(x.copy())
    cached: tuple[float, np.ndarray] = (float(value), np.atleast_1d(gradient))
    f: Any = np.array(0.0, dtype=np.float64)
    g = np.zeros(n, dtype=np.float64)
    nfev, iterations = 1, 0
    while True:
        g = g.astype(np.float64)
        routine(m, x, low_bnd, upper_bnd, nbd, f, g, factr, _PGTOL, wa, iwa, task, lsave,
                isave, dsave, _MAXLS, ln_task)
        if task[0] == 3:  # the routine asks for the value and gradient at x
            if not np.array_equal(x, evaluated):
                evaluated = x.copy()
                value, gradient = value_and_gradient(x.copy())
                cached = (float(value), np.atleast_1d(gradient))
                nfev += 1
            f, g = cached
        elif task[0] == 1:  # a new iteration
            iterations += 1
            if iterations >= maxiter:
                task[0], task[1] = 5, 504
            elif nfev > maxfun:
                task[0], task[1] = 5, 502
        else:
            break
    if task[0] == 4:
        warnflag = 0
    elif nfev > maxfun or iterations >= maxiter:
        warnflag = 1
    else:
        warnflag = 2
    return x, f, {"grad": g, "funcalls": nfev, "nit": iterations, "warnflag": warnflag}


class LeanETSModel(ETSModel):
    """``ETSModel`` estimated by :meth:`fit` below and fitting to :class:`LeanETSResults`."""

    @property
    def _res_classes(self) -> dict[str, tuple[type, type]]:
        return {"fit": (LeanETSResults, ETSResultsWrapper)}

    def fit(self, start_params: Any = None, maxiter: int = 1000, full_output: bool = True,
            disp: bool = False, callback: Any = None, return_params: bool = False,
            **kwargs: Any) -> Any:
        """Maximum likelihood as ``ETSModel.fit`` (same start, bounds, optimiser and
        finite-difference gradient, hence the same estimates), without scipy's and
        statsmodels' per-call wrappers. Fixed parameters (``fix_params``) and optimiser
        options go to ``ETSModel.fit``."""
        if kwargs or callback is not None or self._has_fixed_params:
            return super().fit(start_params, maxiter, full_output, disp, callback,
                               return_params, **kwargs)
        start = self.start_params if start_params is None else np.asarray(start_params)
        internal = self._convert_and_bound_start_params(start)
        bounds = self._setup_bounds()
        use_beta_star = "smoothing_trend" not in self.bounds
        if use_beta_star:
            internal[1] /= internal[0]
        use_gamma_star = "smoothing_seasonal" not in self.bounds
        if use_gamma_star:
            internal[2] /= 1 - internal[0]
        k = self._k_params_internal
        is_fixed = np.zeros(k, dtype=np.int64)
        fixed_values = np.empty_like(internal)
        free_start, free_bounds = [], []
        for i in range(k):
            if bounds[i][0] == bounds[i][1]:
                is_fixed[i] = True
                fixed_values[i] = bounds[i][0]
            else:
                free_start.append(internal[i])
                free_bounds.append(bounds[i])
        x0 = np.asarray(free_start)
        lower = np.array([b[0] for b in free_bounds], dtype=np.float64)
        upper = np.array([b[1] for b in free_bounds], dtype=np.float64)
        data, n = self.endog, int(self.nobs)
        yhat = np.zeros(self.nobs)
        xhat = np.zeros((self.nobs, self._k_states_internal))
        smooth, multiplicative = self._smoothing_func, self.error == "mul"
        two_pi = 2 * np.pi

        def objective(params: np.ndarray) -> float:
            # ETSModel._loglike_internal, negated and divided by the observations as
            # statsmodels' optimiser does, term by term (numpy's mean is this sum and
            # division)
            smooth(params, data, yhat, xhat, is_fixed, fixed_values, use_beta_star,
                   use_gamma_star)
            res = (data - yhat) / yhat if multiplicative else data - yhat
            loglike = -n / 2 * (np.log(two_pi * (np.add.reduce(res**2) / n)) + 1)
            if multiplicative:
                yhat[yhat == 0] = 1e-32
                loglike -= np.sum(np.log(np.abs(yhat)))
            return -loglike / n

        def value_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
            value = objective(params)
            return value, forward_difference_gradient(objective, params, value, lower, upper)

        # scipy counts the differences' calls against maxfun when it takes them itself
        xopt, fopt, info = minimize_lbfgsb(value_and_gradient, x0, free_bounds, maxiter,
                                           _MAXFUN // (x0.size + 1))
        fitted = np.empty_like(internal)
        free = iter(xopt)
        for i in range(k):
            fitted[i] = fixed_values[i] if is_fixed[i] else next(free)
        if use_beta_star:
            fitted[1] *= fitted[0]
        if use_gamma_star:
            fitted[2] *= 1 - fitted[0]
        final = self._model_params(fitted)
        if return_params:
            return final
        retvals = {"fopt": fopt, "gopt": info["grad"],
                   "fcalls": info["funcalls"] * (x0.size + 1),
                   "warnflag": info["warnflag"], "converged": info["warnflag"] == 0,
                   "iterations": info["nit"]}
        settings = {"optimizer": "lbfgs", "start_params": x0, "maxiter": maxiter,
                    "gradient": "forward differences, step 1e-8"}
        result = self.smooth(final)
        result.mlefit = Bunch(params=xopt, mle_retvals=retvals, mle_settings=settings)
        result.mle_retvals = retvals
        result.mle_settings = settings
        return result
