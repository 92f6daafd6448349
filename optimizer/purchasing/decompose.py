"""A lower bound per SKU: why the decomposed purchase solve can state an honest gap quickly.

A supplier's MIP couples its SKUs only through the supplier orders (one order cost per order
week, the minimum order value, the truck); warehouse, receiving and budget couple suppliers.
Drop all of those rows and give every line of a SKU ``order_cost / n`` of its order's cost
(``n`` = the supplier's SKUs: an order with ``m <= n`` lines costs ``order_cost >= m ×
order_cost / n``), and what is left is one small model per SKU whose optimum, summed over the
SKUs, is at most the whole problem's optimum: a relaxation, so each SKU's *LP* bound is a
valid bound too. The per-SKU LPs (a few hundred columns each) solve in milliseconds, where
the LP of a 170-SKU supplier, one block of 67,000 columns, takes a quarter of a minute on 12
weeks; and the bound is as tight as the supplier LP's (order costs are about 1 % of a plan's
cost, the facility-location flows make each SKU's LP tight).

The coupling rows are not lost from the plan: the solve scores every plan with the whole
problem's rules (:func:`~salesflow.optimizer.purchasing.solve.solve_purchasing`), so a plan
that breaks a warehouse limit pays for it there. The bound only ever relaxes them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from salesflow.optimizer.purchasing.bounds import lower_bound
from salesflow.optimizer.purchasing.mip import solve_mip
from salesflow.optimizer.purchasing.model import ModelTerms, build_model
from salesflow.optimizer.purchasing.problem import PurchaseProblem

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
    """A lower bound on SKU ``i``'s share of the optimum of ``problem``: its relaxed model's
    LP bound, or :func:`sku_floor` if the LP had no answer in time."""
    floor = sku_floor(problem, i)
    bound = sku_lp_bound(problem, i, None, seed, time_limit)
    return floor if bound is None else max(floor, bound)


def sku_bounds(problem: PurchaseProblem, positions: Sequence[int], *, workers: int = 1,
               seed: int = 0, deadline: float | None = None) -> np.ndarray:
    """:func:`sku_bound` of each SKU at ``positions``, ``workers`` LPs at a time; a SKU not
    reached by ``deadline`` (``time.perf_counter()`` seconds) gets :func:`sku_floor`."""

    def one(i: int) -> float:
        if deadline is not None and time.perf_counter() > deadline:
            return sku_floor(problem, i)
        return sku_bound(problem, i, seed)

    if workers <= 1:
        return np.array([one(i) for i in positions], dtype=float)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return np.array(list(pool.map(one, positions)), dtype=float)
