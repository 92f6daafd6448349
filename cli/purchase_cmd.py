"""``salesflow purchase``: batch recommendations with the baselines beside them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import (
    TIME_LIMIT_HELP,
    common_options,
    emit,
    use_dataset_language,
    wants_json,
)
from salesflow.cli.stale import allow_stale_option, checked_freshness
from salesflow.data.i18n import _

SOLVER_CHOICES = ("highs", "scip", "cp-sat")
ISSUE_COLUMNS = ["kind", "constraint", "sku", "supplier_id", "sku_name", "supplier_name",
                 "week", "amount", "limit", "cost", "detail"]
"""The columns of ``purchase_issues.csv``."""


class _SolveProgress:
    """A rich progress bar over the solver's parts, on stderr, only for a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _SolveProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn(_("purchasing") + " {task.description:<12}"),
                                      BarColumn(), TextColumn("{task.completed}/{task.total}"),
                                      TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=True)
            self._progress.__enter__()
        return self

    def __call__(self, done: int, total: int, label: str) -> None:
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task(label, total=total)
        self._progress.update(self._task, completed=done, description=label)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def _summary(result: Any, account: Any, target: float, week_start: Any,
             weeks: int) -> dict[str, Any]:
    """The JSON summary (and what the text summary prints); every cost, change, turnover and
    fill rate from the one accounting (``account``)."""
    from salesflow.optimizer.purchasing.orders import week_orders
    from salesflow.optimizer.purchasing.score import objective_parts
    from salesflow.optimizer.purchasing.status import objective_sentence, solve_status_text

    figures = account.to_dict()
    change = account.change
    problem = result.problem
    week_end = problem.week_date(1)
    this_week = [x for x in result.plan.lines if x.order_date < week_end]
    cheapest = account.cheapest
    solve = result.solution.to_dict() if result.solution else None
    parts = objective_parts(problem, result.plan.lines)
    if solve is not None:
        solve["status_text"] = solve_status_text(result.solution)
        solve["objective_parts"] = parts.to_dict()
        solve["objective_text"] = objective_sentence(parts)
        solve["plan_adjusted_after_solve"] = result.solution.plan.lines != result.plan.lines
    names = {item.sku: item.name for item in problem.items}
    suppliers = {s: t.name for s, t in problem.suppliers.items()}

    def named(row: dict[str, Any]) -> dict[str, Any]:
        return dict(row, sku_name=names.get(row.get("sku") or ""),
                    supplier_name=suppliers.get(row.get("supplier_id") or ""))

    orders = week_orders(problem, result.plan)
    return {
        "ok": True, "week_start": week_start.isoformat(), "weeks": weeks,
        "skus": len(problem.items), "lines": len(result.plan.lines),
        "lines_this_week": len(this_week),
        "value_this_week": round(sum(x.line_cost for x in this_week), 2),
        "purchase_orders": [dict(o.to_dict(), items=[
            {"sku": x.sku, "sku_name": names[x.sku], "quantity": x.quantity,
             "line_cost": round(x.line_cost, 2), "primary_reason": x.primary_reason}
            for x in o.lines]) for o in orders],
        "solve": solve,
        "plan": result.evaluation.to_dict(),
        "baselines": {name: e.to_dict() for name, (_, e) in result.baselines.items()},
        "accounting": figures,
        "baseline": account.baseline_rule.describe(),
        "best_baseline": None if cheapest is None else cheapest.policy,
        "procurement_cost_change": figures["procurement_cost_change"],
        "procurement_cost_change_why": figures["procurement_cost_change_why"],
        "inventory_turnover_per_month": figures["plan"]["inventory_turnover_per_month"],
        "fill_rate": figures["plan"]["fill_rate"],
        "target": target,
        "target_met": None if change is None else bool(round(change, 4) <= target),
        "more_shortage_than_baseline": bool(result.evaluation.shortage_units
                                            > _shortage(result, account) + 1e-6),
        "infeasibilities": [named(x.to_dict()) for x in result.infeasibilities],
        "violations": [named(v.to_dict()) for v in result.evaluation.violations],
    }


def _shortage(result: Any, account: Any) -> float:
    """Unit-weeks short of the company's rule (simulated again when its parameters differ)."""
    from salesflow.optimizer.purchasing.baselines import baseline_plan
    from salesflow.optimizer.purchasing.plan import evaluate_plan

    rule = account.baseline_rule
    if rule.is_default and rule.rule in result.baselines:
        return float(result.baselines[rule.rule][1].shortage_units)
    return evaluate_plan(result.problem, baseline_plan(result.problem, rule)).shortage_units


@click.command("purchase", epilog="""\b
Examples:
  salesflow purchase                              plan next week's orders on the sample
  salesflow purchase --out po/                    write the orders, summary and workbook
  salesflow purchase --data shop --demand demand.csv --out po/ --json
  salesflow purchase --time-limit 10 --solver scip
  salesflow purchase --weekly-budget 250000 --receiving-lines 150 --truck-m3 40
""")
@click.option("--demand", "demand_file", type=click.Path(path_type=Path), default=None,
              help="Plan against this demand instead of the forecast: columns sku, "
                   "week_start (a Monday, YYYY-MM-DD), quantity [, p10, p90 ...]; its weeks "
                   "are the horizon and its first week is the week planned.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Write purchase_orders.csv, supplier_summary.csv, purchase_comparison.csv, "
                   "purchase_issues.csv and purchase_plan.xlsx into this folder.")
@click.option("--week", default=None, metavar="YYYY-Www",
              help="Week to plan when planning on the forecast (default: as `weekly`).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help=TIME_LIMIT_HELP + " Here: the purchase solve.")
@click.option("--solver", type=click.Choice(SOLVER_CHOICES), default="highs", show_default=True,
              help="MIP solver behind OR-Tools MathOpt.")
@click.option("--weekly-budget", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Purchase value that may be ordered per week (default: no limit).")
@click.option("--receiving-lines", type=click.IntRange(min=1), default=None,
              help="Purchase lines the warehouse can receive per week (default: no limit).")
@click.option("--truck-m3", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Volume of one supplier delivery in m³ (default: no limit).")
@allow_stale_option
@common_options
def purchase_command(demand_file: Path | None, out_dir: Path | None, week: str | None,
                     time_limit: float | None, solver: str, weekly_budget: float | None,
                     receiving_lines: int | None, truck_m3: float | None, allow_stale: bool,
                     data_dir: Path | None, store: str, as_json: bool) -> None:
    """Recommend purchase batches (lot sizes with price breaks, MOQ, packs, lead times and
    capacities) and compare them with lot-for-lot, EOQ + reorder point and min/max.

    Lines ordered in the first week are the recommendation; later ones are the outlook.
    Infeasible data (an MOQ above the warehouse capacity, a budget below what safety stock
    needs) is reported with SKU, supplier, week and rule, and the plan is still made with the
    violation priced.
    """
    import time

    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.dataset.demand_input import read_demand
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.pipeline import purchase_run
    from salesflow.optimizer.purchasing.stage import PurchaseOptions

    started = time.perf_counter()
    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    limits = SolveLimits.from_config(dataset.config, time_limit)
    given = None if demand_file is None else read_demand(demand_file, dataset.skus["sku"])
    options = PurchaseOptions(solver, weekly_budget, receiving_lines, truck_m3)
    warnings = [] if given is not None else list(checked_freshness(
        dataset, dataset.plan_week_start(week), allow_stale).warnings)
    with _SolveProgress(enabled=not wants_json() and sys.stderr.isatty()) as progress:
        run = purchase_run(dataset, limits, week=week, demand=given, options=options,
                           progress=progress)
    result, week_start, weeks = run.result, run.context.week_start, run.context.horizon_weeks
    from salesflow.optimizer.accounting import account_of
    from salesflow.optimizer.purchasing.baselines import BaselineRule

    target = dataset.config.targets.procurement_cost_change
    account = account_of(result, BaselineRule.from_config(dataset.config.baseline))
    summary = _summary(result, account, target, week_start, weeks)
    if warnings:
        summary["warnings"] = warnings
    summary["time_limit_s"] = limits.time_limit_seconds
    summary["planning_time_s"] = round(time.perf_counter() - started, 2)
    if out_dir is not None:
        _write_outputs(out_dir, result, account, target)
        summary["folder"] = str(out_dir)
        summary["planning_time_s"] = round(time.perf_counter() - started, 2)
    from salesflow.cli.purchase_text import print_summary

    emit(summary, lambda: print_summary(summary, out_dir))


def _write_outputs(folder: Path, result: Any, account: Any, target: float) -> None:
    import pandas as pd

    from salesflow.data.outputs.purchase_workbook import workbook_bytes
    from salesflow.data.outputs.writers import csv_bytes, write_files_atomically
    from salesflow.optimizer.accounting import comparison_frame
    from salesflow.optimizer.purchasing.orders import week_orders
    from salesflow.optimizer.purchasing.plan import purchase_orders_frame
    from salesflow.optimizer.purchasing.report import supplier_summary_frame, violations_frame
    from salesflow.optimizer.purchasing.score import objective_parts
    from salesflow.optimizer.purchasing.status import objective_sentence, solve_status_text
    from salesflow.optimizer.purchasing.workbook import workbook_sheets

    orders = purchase_orders_frame(result.problem, result.plan)
    suppliers = supplier_summary_frame(result.problem, result.plan)
    comparison = comparison_frame(account, target)
    found = [dict(x.to_dict(), kind="cannot be met") for x in result.infeasibilities]
    broken = [dict(v, kind="plan breaks") for v in violations_frame(result.evaluation)
              .to_dict("records")]
    names = {item.sku: item.name for item in result.problem.items}
    issues = pd.DataFrame(found + broken, columns=ISSUE_COLUMNS)
    issues["sku_name"] = issues["sku"].map(names)
    issues["supplier_name"] = issues["supplier_id"].map(
        {s: t.name for s, t in result.problem.suppliers.items()})
    sheets = workbook_sheets(
        result.problem.week_start, solve_status_text(result.solution),
        objective_sentence(objective_parts(result.problem, result.plan.lines)), orders,
        week_orders(result.problem, result.plan), suppliers, comparison, issues)
    files = {
        "purchase_orders.csv": csv_bytes(orders),
        "supplier_summary.csv": csv_bytes(suppliers),
        "purchase_comparison.csv": csv_bytes(comparison),
        "purchase_issues.csv": csv_bytes(issues),
        "purchase_plan.xlsx": workbook_bytes(sheets),
    }
    write_files_atomically(folder, files)
