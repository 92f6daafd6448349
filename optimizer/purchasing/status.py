"""How the purchase solve went, in words, and how its objective adds up to the plan's cost:
one sentence each for the terminal, the workbook and the report."""

from __future__ import annotations

from salesflow.data.i18n import _, format_number, format_percent
from salesflow.optimizer.purchasing.score import ObjectiveParts
from salesflow.optimizer.purchasing.solve import PurchaseSolution
from salesflow.optimizer.result import STOP_TIME, SolveStatus

EXACT = 1e-6
"""A gap below this is no gap: the plan is proven the best possible."""


def _gap(gap: float) -> str:
    return format_percent(gap, 2 if gap < 0.001 else 1)


def solve_status_text(solution: PurchaseSolution | None) -> str:
    """``"optimal"``, ``"optimal within 0.9 % of the best possible"``, ``"stopped at the
    time limit, within 1.2 % of the best possible"``, ``"no solution in time: heuristic plan
    used"`` ... in the current language (``solution`` ``None``: no solve was run)."""
    if solution is None:
        return _("not optimized: a rule-based plan")
    status, gap = solution.status, solution.gap
    if status == SolveStatus.INFEASIBLE:
        return _("infeasible: the data breaks a hard limit; heuristic plan used")
    if status == SolveStatus.NO_SOLUTION:
        return _("no solution in time: heuristic plan used")
    if status == SolveStatus.OPTIMAL:
        if gap is None or gap < EXACT:
            return _("optimal")
        return _("optimal within {gap} of the best possible").format(gap=_gap(gap))
    if solution.stop_reason == STOP_TIME:
        if gap is None:
            return _("stopped at the time limit, no bound on how far from the best possible")
        return _("stopped at the time limit, within {gap} of the best possible").format(
            gap=_gap(gap))
    if gap is None:
        return _("feasible, no bound on how far from the best possible")
    return _("feasible, within {gap} of the best possible").format(gap=_gap(gap))


def objective_sentence(parts: ObjectiveParts) -> str:
    """``"objective 770,704 = cost 663,356 + safety stock shortfall penalties 107,348 − value
    of the stock left at the end 12,500"``: the solver's objective and the plan's cost named,
    the difference explained (only the parts that are not zero); ``"objective = cost 663,356
    (no penalties)"`` when they agree."""
    extra = [(parts.surcharges, _("minimum order value surcharges {amount}")),
             (parts.limit_penalties, _("broken-limit penalties {amount}")),
             (parts.safety_stock, _("safety stock shortfall penalties {amount}")),
             (parts.lateness, _("late-delivery penalties {amount}"))]
    shown = [" + " + text.format(amount=format_number(value)) for value, text in extra
             if abs(value) >= 0.005]
    if parts.end_stock_value >= 0.005:
        shown.append(" − " + _("value of the stock left at the end {amount}").format(
            amount=format_number(parts.end_stock_value)))
    elif parts.end_stock_value <= -0.005:
        shown.append(" + " + _("backlog left at the end, at unit cost {amount}").format(
            amount=format_number(-parts.end_stock_value)))
    cost = format_number(parts.cost)
    if not shown:
        return _("objective = cost {cost} (no penalties)").format(cost=cost)
    return _("objective {objective} = cost {cost}{terms}").format(
        objective=format_number(parts.total), cost=cost, terms="".join(shown))
