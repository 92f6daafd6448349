"""``salesflow staff``: the week's roster (CP-SAT) against the fixed-pattern baseline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import (
    TIME_LIMIT_HELP,
    common_options,
    emit,
    status_word,
    stop_word,
    use_dataset_language,
    wants_json,
)
from salesflow.cli.stale import allow_stale_option, checked_freshness
from salesflow.data.i18n import N_, _, format_date, format_number, format_percent
from salesflow.data.i18n.terms import skill_label, step_label

EPILOG = """\b
Examples:
  salesflow staff                                  next week on the bundled sample
  salesflow staff --data shop --week 2026-W48 --out roster/
  salesflow staff --requirements need.csv --out roster/ --time-limit 20
  salesflow staff --json | jq .cost_ratio_to_baseline
\b
--requirements takes a CSV (or Parquet/XLSX) with columns date, hour (0-23), skill,
required (persons on that skill for the whole hour) instead of deriving them from the
forecast. --out writes roster.csv, baseline_roster.csv, coverage.csv, coverage.png,
shortfalls.csv, service_desk.csv and cycle_target_shifts.csv (forecast mode: the shifts
the order-cycle target needs added, who works them and their cost) and staffing.json.
"""


STAGE_LABELS = {"forecast": N_("forecast and requirements"),
                "purchasing": N_("purchase plan (receiving work)"),
                "staffing": N_("solving the roster")}


class _SolveProgress:
    """A rich bar over the time limit, on stderr, only on a terminal and not with --json."""

    def __init__(self, seconds: float) -> None:
        self.enabled = sys.stderr.isatty() and not wants_json()
        self.seconds = seconds
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _SolveProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description:<40}"), BarColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task(_(STAGE_LABELS["forecast"]),
                                                 total=self.seconds)
        return self

    def stage(self, label: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=label)

    def __call__(self, seconds: float, objective: float, bound: float) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=min(seconds, self.seconds),
                                  description=_("roster cost {cost} (bound {bound})").format(
                                      cost=format_number(objective),
                                      bound=format_number(bound)))

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def _files(result: Any) -> dict[str, bytes]:
    """Every output file but ``staffing.json``."""
    import pandas as pd

    from salesflow.data.outputs.staffing_outputs import coverage_chart_png, coverage_csv
    from salesflow.data.outputs.writers import csv_bytes
    from salesflow.optimizer.staffing.roster import roster_frame

    plan = result.plan
    short = pd.DataFrame(
        [(f.date.isoformat(), f.hour, f.skill, round(f.required, 3), round(f.staffed, 3),
          round(f.missing, 3), f.reason) for f in plan.shortfalls],
        columns=["day", "hour", "skill", "required", "staffed", "missing", "reason"])
    files = {
        "roster.csv": csv_bytes(roster_frame(plan.roster)),
        "baseline_roster.csv": csv_bytes(roster_frame(plan.baseline)),
        "coverage.csv": coverage_csv(plan.coverage),
        "coverage.png": coverage_chart_png(plan.coverage, plan.baseline_coverage,
                                           "Required vs staffed persons per hour"),
        "shortfalls.csv": csv_bytes(short),
    }
    if result.advice is not None:
        from salesflow.data.outputs.staffing_outputs import added_shifts_csv
        from salesflow.optimizer.staffing.report import advice_figures

        figures = advice_figures(result.advice)
        assert figures is not None
        files["cycle_target_shifts.csv"] = added_shifts_csv(figures["shifts"])
    if result.service_desk is not None:
        desk = result.service_desk.assign(date=result.service_desk["date"].dt.strftime("%Y-%m-%d"))
        files["service_desk.csv"] = csv_bytes(desk.round(4))
    return files


def _money(value: float) -> str:
    return format_number(value, 2)


def _human(summary: dict[str, Any], folder: Path | None) -> list[str]:
    s, cost, base = summary["solver"], summary["cost"], summary["baseline"]
    bound = "" if s["bound"] is None or s["gap"] is None else _(
        ", bound {bound} (gap {gap})").format(bound=_money(s["bound"]),
                                              gap=format_percent(s["gap"]))
    ratio = summary["cost_ratio_to_baseline"]
    lines = [
        _("Roster for {first} to {last}: {shifts} shifts, {people} people").format(
            first=format_date(_day(summary["first_day"])),
            last=format_date(_day(summary["last_day"])),
            shifts=format_number(summary["roster"]["shifts"]),
            people=format_number(summary["roster"]["employees_rostered"])),
        "  " + _("CP-SAT ({status}, stopped by {stop}, {seconds} s): labour {labour} + "
                 "penalties {penalty} = {total}{bound}").format(
            status=status_word(s["status"]), stop=stop_word(s["stopped_by"]),
            seconds=format_number(s["runtime_seconds"], 1), labour=_money(cost["labour"]),
            penalty=_money(cost["penalty"]), total=_money(cost["total"]), bound=bound),
        "  " + _("fixed pattern: labour {labour} + penalties {penalty} = {total}").format(
            labour=_money(base["cost"]["labour"]), penalty=_money(base["cost"]["penalty"]),
            total=_money(base["cost"]["total"]))
        + ("" if ratio is None else "  " + _("(CP-SAT / fixed = {ratio})").format(
            ratio=format_number(ratio, 3))),
        "  " + _("coverage {rate} of {hours} required person-hours (fixed pattern "
                 "{baseline_rate})").format(
            rate=format_percent(summary["coverage"]["coverage_rate"]),
            hours=format_number(summary["coverage"]["required_person_hours"], 1),
            baseline_rate=format_percent(base["coverage"]["coverage_rate"])),
    ]
    if s["stopped_by"] == "time limit":
        lines.append("  " + _("the wall-clock limit ended the search: a rerun with the same "
                              "seed may give another roster (raise --time-limit for a "
                              "repeatable one)"))
    if s["conflicts"]:
        lines.append("  " + _("rules that make the roster infeasible: {rules}").format(
            rules="; ".join(s["conflicts"])))
    desk = summary.get("service_desk")
    if desk:
        lines.append("  " + _("service desk: {contacts} contacts, {hours} agent-hours for "
                              "{level} answered in {seconds} s").format(
            contacts=format_number(desk["contacts"], 1),
            hours=format_number(desk["agent_hours"]),
            level=format_percent(desk["target_level"], 0),
            seconds=format_number(desk["answer_seconds"])))
    cycle = summary.get("cycle")
    if cycle:
        verdict = _("target met") if cycle["met"] else _("target missed")
        lines.append("  " + _("order cycle: mean {mean} h, p90 {p90} h, {share} within "
                              "{target} h: {verdict}").format(
            mean=format_number(cycle["mean_hours"], 2), p90=format_number(cycle["p90_hours"], 2),
            share=format_percent(cycle["within_target"]),
            target=format_number(cycle["target_hours"]), verdict=verdict))
        if cycle["bottleneck_step"]:
            hours = ", ".join(cycle["bottleneck_hours"][:6])
            more = len(cycle["bottleneck_hours"]) - 6
            lines.append("  " + _("bottleneck: step {step} ({skill}) at {hours}").format(
                step=step_label(cycle["bottleneck_step"]),
                skill=skill_label(cycle["bottleneck_skill"]), hours=hours)
                + (_(" and {count} more").format(count=more) if more > 0 else ""))
    advice = summary.get("cycle_target")
    if advice:
        from salesflow.data.outputs.report_staffing import advice_text

        lines.append("  " + _("cycle target: {sentence}").format(sentence=advice_text(advice)))
    if summary["impossible_count"]:
        lines.append("  " + _("{count} requirements cannot be met (priced as "
                              "shortfall):").format(
            count=format_number(summary["impossible_count"])))
        for f in summary["impossible_requirements"][:10]:
            lines.append(f"    {format_date(_day(f['date']))} {f['hour']:02d}:00 "
                         f"{skill_label(f['skill'])}: {f['reason']}")
    if summary["violations"]:
        lines.append("  " + _("CHECKER: {count} rule violations: {violations}").format(
            count=len(summary["violations"]), violations="; ".join(summary["violations"][:3])))
    if folder is not None:
        lines.append(_("Files in {folder}: {files}").format(
            folder=folder, files=", ".join(summary["files"])))
    return lines


def _day(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


@click.command("staff", epilog=EPILOG)
@click.option("--requirements", "requirements_file", type=click.Path(path_type=Path),
              default=None, help="Requirement table (date, hour, skill, required) to staff "
                                 "instead of the forecast's.")
@click.option("--week", default=None, metavar="YYYY-Www",
              help="Week to staff (forecast mode). Default: config's planning.week, else the "
                   "week after the last sale.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the roster, coverage, chart and summary files.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help=TIME_LIMIT_HELP + " Here: the roster solve and, from the forecast, the "
                   "purchase solve whose arrivals set the receiving work and the search for "
                   "what the cycle target needs.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Solver seed (default: config planning.seed). Same seed, same roster.")
@allow_stale_option
@common_options
def staff_command(requirements_file: Path | None, week: str | None, out_dir: Path | None,
                  time_limit: float | None, seed: int | None, allow_stale: bool,
                  data_dir: Path | None, store: str, as_json: bool) -> None:
    """Roster the warehouse staff at least labour + under/over-staffing cost (CP-SAT) and
    compare it with the fixed-pattern roster under the same penalties.

    In forecast mode the requirements come from the forecast orders per day times the
    process steps' minutes, receiving of the purchase plan's arrivals and the service desk
    (Erlang C); the order processing cycle of the roster is reported with its bottleneck,
    and, when it misses its target, the least-cost shifts to add that meet it (or why
    staffing alone cannot).
    """
    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.outputs.writers import write_files_atomically
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.pipeline import staff_run

    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    limits = SolveLimits.from_config(dataset.config, time_limit, seed)
    requirements = None
    warnings = [] if requirements_file is not None else list(checked_freshness(
        dataset, dataset.plan_week_start(week), allow_stale).warnings)
    if requirements_file is not None:
        from salesflow.data.dataset.requirements_input import read_requirements

        requirements = read_requirements(requirements_file)
    with _SolveProgress(limits.time_limit_seconds) as progress:
        result = staff_run(dataset, limits, week=week, requirements=requirements,
                           step=lambda stage: progress.stage(_(STAGE_LABELS[stage])),
                           progress=progress)
    summary = _summary(result)
    if warnings:
        summary["warnings"] = warnings
    if out_dir is not None:
        from salesflow.data.outputs.writers import json_bytes

        files = _files(result)
        summary["files"] = sorted([*files, "staffing.json"])
        files["staffing.json"] = json_bytes(summary)
        write_files_atomically(out_dir, files)
    emit({"ok": True, **summary, "folder": str(out_dir) if out_dir else None},
         lambda: click.echo("\n".join(_human(summary, out_dir))))


def _summary(result: Any) -> dict[str, Any]:
    from salesflow.optimizer.staffing.report import advice_figures, cycle_figures, plan_figures
    from salesflow.optimizer.staffing.service_desk import ServiceDesk

    plan = result.plan
    summary: dict[str, Any] = {"first_day": plan.days[0].isoformat(),
                               "last_day": plan.days[-1].isoformat(), **plan_figures(plan)}
    if result.service_desk is not None:
        desk, settings = result.service_desk, result.desk or ServiceDesk()
        summary["service_desk"] = {
            "skill": settings.skill, "contacts": round(float(desk["contacts"].sum()), 1),
            "agent_hours": int(desk["agents"].sum()), "target_level": settings.target_level,
            "answer_seconds": settings.answer_seconds,
            "contacts_per_order": settings.contacts_per_order,
            "handle_seconds": settings.handle_seconds}
        summary["cycle"] = cycle_figures(result.cycle)
        summary["baseline_cycle"] = cycle_figures(result.baseline_cycle)
        summary["cycle_target"] = advice_figures(result.advice)
    return summary
