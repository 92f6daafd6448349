"""``salesflow weekly`` and ``salesflow plans list|show``."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import (
    TIME_LIMIT_HELP,
    common_options,
    data_option,
    emit,
    json_option,
    store_option,
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
    from dataclasses import replace

    from salesflow.data.dataset import load_dataset, sample_data_dir, with_applied_orders
    from salesflow.data.dataset.assumptions import (
        ASSUMPTIONS_FILE,
        assumption_counts,
        read_assumptions,
    )
    from salesflow.data.outputs.report import render_report
    from salesflow.data.outputs.writers import csv_bytes, json_bytes
    from salesflow.data.store.plan_store import PlanStore
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.report_data import report_data
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
        kpis = dict(plan.kpis)
        if warnings:
            kpis["warnings"] = warnings
        files = {f"{name}.csv": csv_bytes(frame) for name, frame in plan.output_tables().items()}
        if assumptions is not None:
            kpis["assumed"] = assumption_counts(assumptions)
            files[ASSUMPTIONS_FILE] = csv_bytes(assumptions)
        files["kpis.json"] = json_bytes(kpis)
        report = report_data(dataset, plan, assumptions=assumptions)
        what_if = kpis.get("what_if")
        report = replace(report, cycle_target=what_if or kpis["staffing"].get("cycle_target"),
                         warnings=tuple(warnings),
                         title=report.title + (f" ({what_if['label']})" if what_if else ""))
        files["report.html"] = render_report(report).encode("utf-8")
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


@click.group("plans", epilog="""\b
Examples:
  salesflow plans list
  salesflow plans show 3 --json
""")
def plans_group() -> None:
    """List and inspect stored plans."""


@plans_group.command("list")
@data_option
@store_option
@json_option
def plans_list(data_dir: Path | None, store: str, as_json: bool) -> None:
    """List the plans in the store, oldest first (with --data, only those made from that
    dataset folder)."""
    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    records = plan_store.list_plans()
    if data_dir is not None:
        wanted = str(data_dir.resolve())
        records = [r for r in records if r.data_dir == wanted]

    def human() -> None:
        if not records:
            source = f" made from {data_dir}" if data_dir is not None else ""
            click.echo(f"No plans{source} in {store} yet. Run: salesflow weekly")
            return
        click.echo(f"{'id':>4}  {'week':<8}  {'created (UTC)':<20}  {'status':<10}  "
                   f"{'lines':>5}  {'route km':>9}  targets")
        for r in records:
            s = r.summary
            click.echo(f"{r.id:>4}  {r.week:<8}  {r.created_at:<20}  {r.status:<10}  "
                       f"{_or_dash(s.get('purchase_lines_this_week', '')):>5}  "
                       f"{_or_dash(s.get('route_km', '')):>9}  "
                       f"{s.get('targets_met', '?')}/{s.get('targets', '?')} met"
                       + (f"  [{s['what_if']}]" if s.get("what_if") else ""))

    emit({"ok": True, "store": store,
          "plans": [dict(r.to_dict(), folder=str(plan_store.plan_path(r.id))) for r in records]},
         human)


@plans_group.command("show")
@click.argument("plan_id", type=int, metavar="ID")
@data_option
@store_option
@json_option
def plans_show(plan_id: int, data_dir: Path | None, store: str, as_json: bool) -> None:
    """Show one plan: its metadata, files and KPIs. With --data, also whether that dataset
    still holds the inputs the plan was made from."""
    import json

    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    record = plan_store.get_plan(plan_id)
    kpis = json.loads(plan_store.read_file(plan_id, "kpis.json"))
    folder = plan_store.plan_path(plan_id)
    unchanged = None
    if data_dir is not None:
        from salesflow.data.dataset import load_dataset

        unchanged = load_dataset(data_dir).fingerprint == record.fingerprint

    def human() -> None:
        click.echo(f"Plan {record.id}  week {record.week}  status {record.status}  "
                   f"created {record.created_at}")
        click.echo(f"  data {record.data_dir}  fingerprint {record.fingerprint[:16]}")
        if unchanged is not None:
            click.echo(f"  inputs in {data_dir}: "
                       + ("unchanged since this plan" if unchanged else "changed since this plan"))
        click.echo(f"  files in {folder}:")
        for f in record.files:
            click.echo(f"    {f.name:<22} {f.size:>10,} bytes")
        click.echo("\n".join(_kpi_lines(kpis)))

    emit({"ok": True, "plan": record.to_dict(), "folder": str(folder),
          "inputs_unchanged": unchanged, "kpis": kpis}, human)


@plans_group.command("diff", epilog="""\b
Examples:
  salesflow plans diff 3 4
  salesflow plans diff 3 4 --json | jq .purchase
""")
@click.argument("first", type=int, metavar="ID1")
@click.argument("second", type=int, metavar="ID2")
@store_option
@json_option
def plans_diff(first: int, second: int, store: str, as_json: bool) -> None:
    """What changed from plan ID1 to plan ID2: purchase lines, routes, roster, KPIs."""
    from salesflow.data.store.plan_diff import diff_plans
    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    files = []
    for plan_id in (first, second):
        record = plan_store.get_plan(plan_id)
        files.append({f.name: plan_store.read_file(plan_id, f.name) for f in record.files
                      if f.name.endswith((".csv", ".json"))})
    diff = diff_plans(files[0], files[1])

    def human() -> None:
        if not any(diff.values()):
            click.echo(f"Plans {first} and {second} are the same.")
            return
        click.echo(f"From plan {first} to plan {second}:")
        for part, rows in diff.items():
            counts = Counter(row.get("change", "changed") for row in rows)
            summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) or "no change"
            click.echo(f"  {part:<9} {summary}")
            for row in rows[:10]:
                click.echo("    " + ", ".join(f"{k}={v}" for k, v in row.items()))
            if len(rows) > 10:
                click.echo(f"    ... {len(rows) - 10} more (use --json)")

    emit({"ok": True, "from": first, "to": second, **diff}, human)
