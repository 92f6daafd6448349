"""The ETS fit's L-BFGS-B loop: what scipy's fmin_l_bfgs_b returns, to the bit."""

from __future__ import annotations

import numpy as np
import scipy
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


def test_a_routine_called_otherwise_falls_back_to_fmin_l_bfgs_b(monkeypatch) -> None:
    """scipy before 1.15 has a Fortran ``setulb`` taking other arguments (CI's lowest
    versions refused the call): the check once per process finds it out and
    ``fmin_l_bfgs_b`` runs instead; a routine that runs but answers otherwise is refused too."""
    from types import SimpleNamespace

    from salesflow.forecasting import ets_model

    def refuses(*args: object) -> None:
        raise TypeError("setulb() missing required argument 'maxls' (pos 18)")

    def wrong(m, x, *rest) -> None:  # moves x and reports convergence at once
        x += 0.1
        rest[9][0] = 4

    objective = _objective(np.array([0.5, -0.5]), 3.0)
    bounds = [(-2.0, 2.0), (None, None)]
    expected = fmin_l_bfgs_b(objective, np.array([1.0, 1.0]), bounds=bounds, maxiter=100,
                             maxfun=300)
    # from scipy 1.15 (its routine in C) the routine passes the check, and the loop runs
    major, minor = (int(part) for part in scipy.__version__.split(".")[:2])
    assert ets_model.checked_routine() is not None or (major, minor) < (1, 15)
    for fake in (refuses, wrong):
        monkeypatch.setattr(ets_model, "_lbfgsb_routine", SimpleNamespace(setulb=fake))
        ets_model.checked_routine.cache_clear()
        assert ets_model.checked_routine() is None
        x, f, info = minimize_lbfgsb(objective, np.array([1.0, 1.0]), bounds, 100, 300)
        assert x.tobytes() == expected[0].tobytes() and f == expected[1]
        assert info["funcalls"] == expected[2]["funcalls"]
    monkeypatch.undo()
    ets_model.checked_routine.cache_clear()
