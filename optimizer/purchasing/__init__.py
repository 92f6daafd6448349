"""Purchasing (DESIGN §5): what to order from which supplier and when, by a MIP over the
order lines, with the ERP reorder rules as baselines.

The front doors: :func:`purchasing_stage` (the weekly cycle's stage, a dataset in, the plan
and its baselines out), :func:`build_purchase_problem` and :func:`solve_purchasing` (the
problem and its solver), :func:`evaluate_plan` (any plan's cost and violations). Importing
this package loads none of its modules until one of these names is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.optimizer.purchasing.baselines import BASELINES
    from salesflow.optimizer.purchasing.builder import build_purchase_problem, purchase_demand
    from salesflow.optimizer.purchasing.checks import Violation
    from salesflow.optimizer.purchasing.plan import (
        PlanEvaluation,
        PurchaseLine,
        PurchasePlan,
        evaluate_plan,
    )
    from salesflow.optimizer.purchasing.problem import (
        PurchaseItem,
        PurchaseProblem,
        SupplierTerms,
        ViolationRates,
    )
    from salesflow.optimizer.purchasing.solve import PurchaseSolution, solve_purchasing
    from salesflow.optimizer.purchasing.stage import (
        PurchaseOptions,
        PurchasingResult,
        purchasing_stage,
    )
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "BASELINES": "baselines",
        "build_purchase_problem": "builder",
        "purchase_demand": "builder",
        "Violation": "checks",
        "PlanEvaluation": "plan",
        "PurchaseLine": "plan",
        "PurchasePlan": "plan",
        "evaluate_plan": "plan",
        "PurchaseItem": "problem",
        "PurchaseProblem": "problem",
        "SupplierTerms": "problem",
        "ViolationRates": "problem",
        "PurchaseSolution": "solve",
        "solve_purchasing": "solve",
        "PurchaseOptions": "stage",
        "PurchasingResult": "stage",
        "purchasing_stage": "stage",
    })

__all__ = [
    "BASELINES",
    "PlanEvaluation",
    "PurchaseItem",
    "PurchaseLine",
    "PurchaseOptions",
    "PurchasePlan",
    "PurchaseProblem",
    "PurchaseSolution",
    "PurchasingResult",
    "SupplierTerms",
    "Violation",
    "ViolationRates",
    "build_purchase_problem",
    "evaluate_plan",
    "purchase_demand",
    "purchasing_stage",
    "solve_purchasing",
]
