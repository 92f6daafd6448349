"""``salesflow weekly`` and the terminal summary of a plan's KPIs (also ``plans show``)."""

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

PLAN_FILES = ("forecast.csv", "purchase_orders.csv", "routes.csv", "roster.csv", "kpis.json")


def _headline(kpis: dict[str, Any]) -> dict[str, Any]:
    """The few figures `plans list` shows for a plan."""
    return {
        "purchase_lines_this_week": kpis["purchasing"]["lines_this_week"],
        "purchase_value_this_week": kpis["purchasing"]["value_this_week"],
        "procurement_cost_horizon": kpis["purchasing"]["cost"]["total"],
        "route_km": kpis["routing"].get("km"),
        "route_cost": kpis["routing"].get("cost", {}).get("total"),
        "labour_cost": kpis["staffing"].get("labour_cost"),
        "targets_met": sum(1 for t in kpis["targets"] if t["met"]),
        "targets": len(kpis["targets"]),
        **({"what_if": kpis["what_if"]["label"]} if kpis.get("what_if") else {}),
        **({"warnings": kpis["warnings"]} if kpis.get("warnings") else {}),
    }


class _StageProgress:
    """A rich progress bar over the weekly stages, on stderr, only for a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _StageProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description:<22}"), BarColumn(),
                                      TextColumn("{task.completed}/{task.total}"),
                                      TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=True)
            self._progress.__enter__()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task("weekly", total=total)
        label = "done" if stage == "done" else f"{stage} ({done + 1}/{total})"
        self._progress.update(self._task, completed=done, description=label)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def _or_dash(value: Any) -> Any:
    """``-`` for a figure a plan does not have (a stage not planned)."""
    return "-" if value is None else value


def target_status(target: dict[str, Any]) -> str:
    """A target row's status: met, missed, "not planned: <why>" (its stage was skipped) or
    n/a (no value, e.g. no orders to deliver)."""
    if target.get("status"):
        return str(target["status"])
    return {True: "met", False: "missed", None: "n/a"}[target["met"]]


def _account_line(account: dict[str, Any] | None) -> list[str]:
    """The one accounting's procurement figures (as in kpis.json, purchase and the report)."""
    if not account:
        return []
    change = account["procurement_cost_change"]
    plan = account["plan"]
    turnover, fill = plan["inventory_turnover_per_month"], plan["fill_rate"]
    return [f"  procurement net {plan['net_cost']:,.2f} over {account['horizon_weeks']} weeks "
            f"(stock change {plan['stock_change']:+,.2f}) vs the company's rule "
            f"{account['baseline_rule']} {account['baseline']['net_cost']:,.2f}: "
            + (f"{change:+.2%}" if change is not None
               else account["procurement_cost_change_why"])
            + f"; turnover {'-' if turnover is None else f'{turnover:.3f}'}/month, fill rate "
            f"{'-' if fill is None else f'{fill:.2%}'}"]


def _kpi_lines(kpis: dict[str, Any]) -> list[str]:
    purchase, routes, staff = kpis["purchasing"], kpis["routing"], kpis["staffing"]
    cost = purchase["cost"]
    staff_line = (f"  staffing    skipped: {staff['not_planned']}" if "not_planned" in staff else
                  f"  staffing    {staff['shifts']} shifts, {staff['employees_rostered']} people, "
                  f"labour {staff['labour_cost']:,.2f}, coverage {staff['coverage_rate']:.1%}")
    route_line = (f"  routing     skipped: {routes['not_planned']}" if "not_planned" in routes else
                  f"  routing     {routes['served']}/{routes['stops']} stops served on "
                  f"{len(routes['days'])} days, {routes['km']:,} km, cost "
                  f"{routes['cost']['total']:,.2f}"
                  + (f"; {routes['without_coordinates']} stops without coordinates unserved"
                     if routes.get("without_coordinates") else ""))
    what_if = kpis.get("what_if")
    lines = [f"  WHAT-IF     {what_if['label']}: {what_if['sentence']}"] if what_if else []
    lines += [
        f"  forecast    {kpis['forecast']['skus']} SKUs x {kpis['forecast']['horizon_weeks']} "
        f"weeks, {kpis['forecast']['units_plan_week']:,} units and "
        f"{kpis['forecast']['orders_plan_week']:,} orders in the plan week",
        f"  purchasing  {purchase['lines_this_week']} lines to order this week "
        f"({purchase['value_this_week']:,.2f}); horizon cost {cost['total']:,.2f} = purchase "
        f"{cost['purchase']:,.2f} + ordering {cost['ordering']:,.2f} + holding "
        f"{cost['holding']:,.2f} + shortage {cost['shortage']:,.2f}",
        *_account_line(purchase.get("account")),
        staff_line,
        route_line,
    ]
    advice = staff.get("cycle_target")
    if advice:
        lines.append(f"  cycle       {advice['sentence']}")
    assumed = kpis.get("assumed")
    if assumed:
        lines.append(f"  assumed     {assumed['values']:,} values assumed (see assumptions.csv)")
    lines += [
        "",
        "  | KPI | baseline | plan | target | status |",
        "  | --- | --- | --- | --- | --- |",
    ]

    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3g}"

    for target in kpis["targets"]:
        status = target_status(target)
        if status.startswith(("not planned", "not meaningful")):
            goal = "-" if target["target"] is None else show(target["target"])
            lines.append(f"  | {target['kpi']} | - | - | {goal} | {status} |")
            continue
        lines.append(f"  | {target['kpi']} | "
                     f"{target.get('baseline_why') or show(target.get('baseline'))} | "
                     f"{show(target['value'])} | {show(target['target'])} | {status} |")
    return lines


@click.command("weekly", epilog="""\b
Examples:
  salesflow weekly                          next week on the bundled sample
  salesflow weekly --data shop --week 2026-W40
  salesflow weekly --time-limit 5            every solver call within 5 s
  salesflow weekly --json | jq .plan.id
  salesflow weekly --meet-targets            also a what-if plan with the staff the
                                             one-day order cycle needs
""")
@click.option("--week", default=None, metavar="YYYY-Www",
              help="Week to plan (ISO week); only sales before its Monday are used. "
                   "Default: config.toml's planning.week, else the week after the last sale.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help=TIME_LIMIT_HELP + " Here: the purchase solve, the roster solve, the "
                   "search for what the cycle target needs and each routing day.")
@click.option("--meet-targets", is_flag=True,
              help="Also store a what-if plan: the same plan with the shifts the order-cycle "
                   "target needs added to the roster (labelled what-if in plans list).")
@allow_stale_option
@common_options
def weekly_command(week: str | None, time_limit: float | None, meet_targets: bool,
                   allow_stale: bool, data_dir: Path | None, store: str,
                   as_json: bool) -> None:
    """Run the weekly cycle (forecast, purchasing, staffing, routing) and store the plan.

    Writes forecast.csv, purchase_orders.csv, routes.csv, roster.csv, kpis.json and
    report.html (and the dataset's assumptions.csv) into the store's plans/<id>/ folder, all
    at once: a failed or interrupted run stores nothing. A stage whose tables are absent is
    skipped with its reason (staffing without employees and shifts, routing without
    customers with coordinates, depots and vehicles); its file then has a header only.

    With --meet-targets a second plan is stored beside it: the same forecast, purchases and
    routes, the roster with the least-cost added shifts that bring the order cycle to its
    target (today's staff with room in their contracts, or extra people), KPIs recomputed.

    A week starting more than [data] max_days_since_last_sale days (default 7) after the last
    sale is refused (exit 2) unless --allow-stale; the plan then carries the warning.
    """
    from salesflow.data.dataset import load_dataset, sample_data_dir, with_applied_orders
    from salesflow.data.dataset.assumptions import read_assumptions
    from salesflow.data.store.plan_store import PlanStore
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.plan_files import plan_files
    from salesflow.optimizer.weekly import meet_targets_plan, run_weekly

    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    assumptions = read_assumptions(dataset.root)
    plan_store = PlanStore(store)
    context = PlanningContext.build(dataset, week,
                                    limits=SolveLimits.from_config(dataset.config, time_limit))
    warnings = list(checked_freshness(dataset, context.week_start, allow_stale).warnings)
    dataset = with_applied_orders(
        dataset, plan_store.orders_for_planning(context.week_start), context.week_start)
    with _StageProgress(enabled=not wants_json() and sys.stderr.isatty()) as progress:
        plan = run_weekly(dataset, context, progress=progress)
    def store_plan(plan: Any) -> tuple[Any, dict[str, Any]]:
        files, kpis = plan_files(dataset, plan, assumptions, tuple(warnings))
        record = plan_store.save_plan(
            week=plan.week, fingerprint=dataset.fingerprint, config=dataset.config.to_dict(),
            summary=_headline(kpis), data_dir=str(dataset.root.resolve()), files=files)
        return record, kpis

    record, kpis = store_plan(plan)
    folder = plan_store.plan_path(record.id)
    whatif_plan = meet_targets_plan(dataset, context, plan) if meet_targets else None
    whatif = store_plan(whatif_plan) if whatif_plan is not None else None

    def human() -> None:
        click.echo(f"Plan {record.id} for {plan.week} (week of {plan.week_start}) stored; "
                   f"files in {folder}")
        click.echo("\n".join(_kpi_lines(kpis)))
        if whatif is not None:
            click.echo(f"What-if plan {whatif[0].id} stored beside it; files in "
                       f"{plan_store.plan_path(whatif[0].id)}")
            click.echo("\n".join(_kpi_lines(whatif[1])))
        elif meet_targets:
            click.echo("No what-if plan: no shifts to add (see the cycle line above).")

    emit({"ok": True, "plan": record.to_dict(), "folder": str(folder),
          "skipped": plan.skipped, "assumed": kpis.get("assumed"), "kpis": kpis,
          "what_if": None if whatif is None else {
              "plan": whatif[0].to_dict(), "folder": str(plan_store.plan_path(whatif[0].id)),
              "kpis": whatif[1]}}, human)
