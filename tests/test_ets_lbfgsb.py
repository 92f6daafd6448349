"""The ETS fit's L-BFGS-B loop: what scipy's fmin_l_bfgs_b returns, to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import fmin_l_bfgs_b

from salesflow.forecasting.ets_model import minimize_lbfgsb

BOUND = st.one_of(st.none(), st.floats(-3.0, 3.0))


def _objective(shift: np.ndarray, scale: float):
    """A Rosenbrock valley plus a shifted quartic: curved, several parameters coupled."""
    def value_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        d = x - shift
        f = float(np.sum(scale * (x[1:] - x[:-1] ** 2) ** 2) + np.sum(d ** 4 + d ** 2))
        g = 4 * d ** 3 + 2 * d
        g[1:] += 2 * scale * (x[1:] - x[:-1] ** 2)
        g[:-1] -= 4 * scale * x[:-1] * (x[1:] - x[:-1] ** 2)
        return f, g
    return value_and_gradient


@settings(max_examples=150, deadline=None)
@given(data=st.data(), n=st.integers(1, 6), scale=st.floats(0.1, 50.0),
       maxiter=st.sampled_from([2, 5, 1000]), maxfun=st.sampled_from([3, 8, 15000]))
def test_minimize_lbfgsb_returns_what_fmin_l_bfgs_b_returns(data, n: int, scale: float,
                                                            maxiter: int,
                                                            maxfun: int) -> None:
    """Bounds on both sides, one side or none (a start outside them is clipped), and the
    iteration and evaluation limits reached or not: the same point, value, gradient,
    evaluations, iterations and flag."""
    x0 = np.array(data.draw(st.lists(st.floats(-4.0, 4.0), min_size=n, max_size=n)))
    shift = np.array(data.draw(st.lists(st.floats(-2.0, 2.0), min_size=n, max_size=n)))
    bounds = []
    for _ in range(n):
        low, high = data.draw(BOUND), data.draw(BOUND)
        if low is not None and high is not None and low > high:
            low, high = high, low
        bounds.append((low, high))
    objective = _objective(shift, scale)
    x, f, info = minimize_lbfgsb(objective, x0, bounds, maxiter, maxfun)
    x_ref, f_ref, ref = fmin_l_bfgs_b(objective, x0, bounds=bounds, maxiter=maxiter,
                                      maxfun=maxfun)
    assert x.tobytes() == x_ref.tobytes() and float(f) == float(f_ref)
    assert np.asarray(info["grad"]).tobytes() == np.asarray(ref["grad"]).tobytes()
    assert (info["funcalls"], info["nit"], info["warnflag"]) == \
        (ref["funcalls"], ref["nit"], ref["warnflag"])
