"""``salesflow weekly`` and the terminal summary of a plan's KPIs (also ``plans show``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from salesflow.cli.common import (
    TIME_LIMIT_HELP,
    common_options,
    emit,
    pad,
    stage_name,
    tradeoff_progress,
    use_dataset_language,
    wants_json,
)
from salesflow.cli.kpi_summary import _kpi_lines
from salesflow.cli.stale import allow_stale_option, checked_freshness
from salesflow.data.i18n import _, format_date

if TYPE_CHECKING:
    from salesflow.optimizer.stage_timing import StageTiming

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


def run_lines(timings: Sequence[StageTiming]) -> list[str]:
    """The stages' seconds and memory as aligned terminal lines (the report's Run cells)."""
    from salesflow.data.outputs.report_run import RUN_HEADERS, run_cells

    rows = [tuple(_(h) for h in RUN_HEADERS)] + [run_cells(t.to_dict()) for t in timings]
    widths = [max(_cells(row[k]) for row in rows) for k in range(len(RUN_HEADERS))]
    return [_("Run:")] + ["  " + "  ".join(pad(cell, width, "<" if k == 0 else ">")
                                           for k, (cell, width) in enumerate(
                                               zip(row, widths, strict=True)))
                          for row in rows]


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return int(cell_len(text))


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
        label = _("done") if stage == "done" else _("{stage} ({number}/{total})").format(
            stage=stage_name(stage),
            number=done + 1, total=total)
        self._progress.update(self._task, completed=done, description=label)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


@click.command("weekly", epilog="""\b
Examples:
  salesflow weekly                          next week on the bundled sample
  salesflow weekly --data shop --week 2026-W40
  salesflow weekly --time-limit 5            every solver call within 5 s
  salesflow weekly --json | jq .plan.id
  salesflow weekly --meet-targets            also a what-if plan with the staff the
                                             one-day order cycle needs
  salesflow weekly --tradeoff                the turnover trade-off in the report too
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
@click.option("--tradeoff", "with_tradeoff", is_flag=True,
              help="Also trace the turnover trade-off from this plan's purchases (as "
                   "`salesflow tradeoff`: six re-planned points or more, each within the "
                   "trade-off's time limit) into tradeoff.json, tradeoff.csv and a chart in "
                   "report.html.")
@allow_stale_option
@common_options
def weekly_command(week: str | None, time_limit: float | None, meet_targets: bool,
                   with_tradeoff: bool, allow_stale: bool, data_dir: Path | None, store: str,
                   as_json: bool) -> None:
    """Run the weekly cycle (forecast, purchasing, staffing, routing) and store the plan.

    Writes forecast.csv, purchase_orders.csv, routes.csv, roster.csv, kpis.json and
    report.html (and the dataset's assumptions.csv) into the store's plans/<id>/ folder, all
    at once: a failed or interrupted run stores nothing. A stage whose tables are absent is
    skipped with its reason (staffing without employees and shifts, routing without
    customers with coordinates, depots and vehicles); its file then has a header only.

    With --tradeoff the plan also carries the turnover trade-off traced from its purchases
    (the frontier of `salesflow tradeoff`, in tradeoff.json/.csv and the report).

    With --meet-targets a second plan is stored beside it: the same forecast, purchases and
    routes, the roster with the least-cost added shifts that bring the order cycle to its
    target (today's staff with room in their contracts, or extra people), KPIs recomputed.

    A week starting more than [data] max_days_since_last_sale days (default 7) after the last
    sale is refused (exit 2) unless --allow-stale; the plan then carries the warning.

    The summary, --json ("stages") and the report's Run section give each stage's wall
    seconds and peak memory (load, forecast, purchasing, staffing, routing, report).
    """
    from salesflow.data.dataset import load_dataset, sample_data_dir, with_applied_orders
    from salesflow.data.dataset.assumptions import read_assumptions
    from salesflow.data.store.plan_store import PlanStore
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.plan_files import plan_files
    from salesflow.optimizer.stage_timing import StageClock
    from salesflow.optimizer.weekly import meet_targets_plan, run_weekly

    clock = StageClock()
    with clock.stage("load"):
        dataset = load_dataset(data_dir or sample_data_dir())
        use_dataset_language(dataset.config)
        assumptions = read_assumptions(dataset.root)
        plan_store = PlanStore(store)
        context = PlanningContext.build(
            dataset, week, limits=SolveLimits.from_config(dataset.config, time_limit))
        warnings = list(checked_freshness(dataset, context.week_start, allow_stale).warnings)
        dataset = with_applied_orders(
            dataset, plan_store.orders_for_planning(context.week_start), context.week_start)
    with _StageProgress(enabled=not wants_json() and sys.stderr.isatty()) as progress:
        plan = run_weekly(dataset, context, progress=progress, clock=clock)
    if with_tradeoff:
        from dataclasses import replace

        from salesflow.optimizer.tradeoff_run import plan_frontier, point_limits

        with clock.stage("tradeoff"):
            traced = plan_frontier(dataset.config, plan.purchasing, point_limits(
                dataset.config, time_limit), progress=tradeoff_progress())
        plan = replace(plan, tradeoff=traced.to_dict(), timings=clock.timings)
    def store_plan(plan: Any) -> tuple[Any, dict[str, Any]]:
        files, kpis = plan_files(dataset, plan, assumptions, tuple(warnings))
        record = plan_store.save_plan(
            week=plan.week, fingerprint=dataset.fingerprint, config=dataset.config.to_dict(),
            summary=_headline(kpis), data_dir=str(dataset.root.resolve()), files=files)
        return record, kpis

    with clock.stage("report"):
        record, kpis = store_plan(plan)
    folder = plan_store.plan_path(record.id)
    whatif = None
    if meet_targets:
        with clock.stage("staffing"):
            whatif_plan = meet_targets_plan(dataset, context, plan)
        if whatif_plan is not None:
            with clock.stage("report"):
                whatif = store_plan(whatif_plan)
    timings = clock.timings

    def human() -> None:
        click.echo(_("Plan {plan_id} for {week} (week of {week_start}) stored; files in "
                     "{folder}").format(plan_id=record.id, week=plan.week,
                                        week_start=format_date(plan.week_start), folder=folder))
        click.echo("\n".join(_kpi_lines(kpis)))
        if whatif is not None:
            click.echo(_("What-if plan {plan_id} stored beside it; files in {folder}").format(
                plan_id=whatif[0].id, folder=plan_store.plan_path(whatif[0].id)))
            click.echo("\n".join(_kpi_lines(whatif[1])))
        elif meet_targets:
            click.echo(_("No what-if plan: no shifts to add (see the cycle line above)."))
        if plan.tradeoff is not None:
            from salesflow.data.outputs.report_tradeoff import tradeoff_sentence

            click.echo(tradeoff_sentence(plan.tradeoff))
        click.echo("\n".join(run_lines(timings)))

    emit({"ok": True, "plan": record.to_dict(), "folder": str(folder),
          "stages": [timing.to_dict() for timing in timings],
          "skipped": plan.skipped, "assumed": kpis.get("assumed"), "kpis": kpis,
          "tradeoff": plan.tradeoff,
          "what_if": None if whatif is None else {
              "plan": whatif[0].to_dict(), "folder": str(plan_store.plan_path(whatif[0].id)),
              "kpis": whatif[1]}}, human)
