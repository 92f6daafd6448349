"""A lower bound per SKU: why the decomposed purchase solve can state an honest gap quickly.

A supplier's MIP couples its SKUs only through the supplier orders (one order cost per order
week, the minimum order value, the truck); warehouse, receiving and budget couple suppliers.
Drop all of those rows and give every line of a SKU ``order_cost / n`` of its order's cost
(``n`` = the supplier's SKUs: an order with ``m <= n`` lines costs ``order_cost >= m ×
order_cost / n``), and what is left is one small model per SKU whose optimum, summed over the
SKUs, is at most the whole problem's optimum: a relaxation, so each SKU's *LP* bound is a
valid bound too. A per-SKU LP (a few hundred columns) takes about 6 ms of CPU: 2 minutes
on 20,000 SKUs. So the solve bounds each SKU's model by a dynamic program over the units
bought instead (:mod:`~salesflow.optimizer.purchasing.sku_dp`), a fraction of a millisecond
per SKU for all SKUs at once, with no solver and no clock: on the generated medium dataset
its sum is above the per-SKU LPs' (10,966,244 against 10,956,095, 1.1 s against 12.7 s of
CPU). The LP bound stays for the replay's accounting (:func:`sku_lp_bound`), which the dynamic
program does not price.

The coupling rows are not lost from the plan: the solve scores every plan with the whole
problem's rules (:func:`~salesflow.optimizer.purchasing.solve.solve_purchasing`), so a plan
that breaks a warehouse limit pays for it there. The bound only ever relaxes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from salesflow.optimizer.purchasing.bounds import lower_bound
from salesflow.optimizer.purchasing.mip import solve_mip
from salesflow.optimizer.purchasing.model import ModelTerms, build_model
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.sku_dp import sku_dp_bounds

LP_SECONDS = 5.0
"""Most seconds one SKU's LP may take (they take milliseconds; this is a guard)."""


def sku_terms(problem: PurchaseProblem, i: int, base: ModelTerms | None = None) -> ModelTerms:
    """The model terms (``base``'s, default :class:`ModelTerms`) that make SKU ``i``'s model a
    relaxation of its share of ``problem``."""
    supplier = problem.items[i].supplier_id
    skus = sum(item.supplier_id == supplier for item in problem.items)
    return replace(base or ModelTerms(), order_cost_share=1.0 / max(skus, 1),
                   supplier_minimums=False)


def sku_lp_bound(problem: PurchaseProblem, i: int, terms: ModelTerms | None = None,
                 seed: int = 0, time_limit: float = LP_SECONDS) -> float | None:
    """The LP bound of SKU ``i``'s relaxed model under ``terms`` (see :func:`sku_terms`), or
    ``None`` if the LP had no answer in time."""
    model = build_model(problem.restricted([i], couplings=False), sku_terms(problem, i, terms))
    builder = model.builder
    builder.integer = [False] * builder.n_vars
    outcome = solve_mip(builder, solver="highs", time_limit=time_limit, seed=seed,
                        relative_gap=0.0)
    return outcome.bound


def sku_floor(problem: PurchaseProblem, i: int) -> float:
    """The closed-form bound (:func:`~salesflow.optimizer.purchasing.bounds.lower_bound`) of
    SKU ``i`` alone with its share of the order cost: valid in the same sense, no solver."""
    alone = problem.restricted([i], couplings=False)
    supplier = problem.items[i].supplier_id
    terms = alone.suppliers[supplier]
    share = sku_terms(problem, i).order_cost_share
    return lower_bound(replace(alone, suppliers={
        supplier: replace(terms, order_cost=terms.order_cost * share)}))


def sku_bound(problem: PurchaseProblem, i: int, seed: int = 0,
              time_limit: float = LP_SECONDS) -> float:
    """A lower bound on SKU ``i``'s share of the optimum of ``problem``: the best of its
    relaxed model's LP bound, the dynamic program's bound
    (:mod:`~salesflow.optimizer.purchasing.sku_dp`) and :func:`sku_floor`."""
    floor = max(sku_floor(problem, i), float(sku_bounds(problem, [i])[0]))
    bound = sku_lp_bound(problem, i, None, seed, time_limit)
    return floor if bound is None else max(floor, bound)


def order_shares(problem: PurchaseProblem, positions: Sequence[int]) -> np.ndarray:
    """Per SKU at ``positions``, 1 / (its supplier's SKUs): its share of each order's cost."""
    counts: dict[str, int] = {}
    for item in problem.items:
        counts[item.supplier_id] = counts.get(item.supplier_id, 0) + 1
    return np.array([1.0 / counts[problem.items[i].supplier_id] for i in positions])


def sku_bounds(problem: PurchaseProblem, positions: Sequence[int]) -> np.ndarray:
    """The dynamic program's lower bound
    (:func:`~salesflow.optimizer.purchasing.sku_dp.sku_dp_bounds`) of each SKU at
    ``positions``, each with its share of the order cost: no solver, about half a
    millisecond per SKU, at least as tight as the per-SKU LP on the generated datasets, and
    the same every run."""
    positions = list(positions)
    return sku_dp_bounds(problem, positions, order_shares(problem, positions))
