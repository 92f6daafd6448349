"""``salesflow routes``: the week's delivery routes, or a public benchmark instance."""

from __future__ import annotations

import datetime as dt
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
from salesflow.data.errors import UserError
from salesflow.data.i18n import _, format_date, format_number, format_percent, ngettext

FORMATS = {"csv": "routes.csv", "geojson": "routes.geojson", "gpx": "routes.gpx",
           "html": "routes.html", "run_sheets": "run_sheets.html"}
"""``--format`` choices and the file each writes."""

EPILOG = """\b
Examples:
  salesflow routes                               all delivery days of the plan week -> ./routes/
  salesflow routes --day 2026-11-24 --format csv,gpx --out out/
  salesflow --lang zh-TW routes --format html,run_sheets   map and run sheets in 繁體中文
  salesflow routes --data shop --time-limit 20 --seed 3 --json
  salesflow routes --matrix roads.csv            distances from a matrix file
  salesflow routes --osrm http://localhost:5000  distances from an OSRM server
  salesflow routes --instance R101.txt --time-limit 30 --out R101.sol
"""


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(_("must be a comma-separated list of {choices}; got {value}")
                                 .format(choices=", ".join(FORMATS), value=repr(value)),
                                 param_hint="--format")
    return chosen


class ProgressBar:
    """A rich progress bar on stderr, only on a terminal and not with --json."""

    def __init__(self, total: float, label: str) -> None:
        self.enabled = sys.stderr.isatty() and not wants_json()
        self.total, self.label = total, label
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description:<24}"), BarColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task(self.label, total=self.total)
        return self

    def update(self, completed: float, label: str | None = None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed,
                                  description=label or self.label)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def _limits(dataset_config: Any, time_limit: float | None, seed: int | None,
            workers: int | None) -> Any:
    from salesflow.optimizer.limits import SolveLimits

    try:
        return SolveLimits.from_config(dataset_config, time_limit, seed, workers)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _solve_instance(instance_path: Path, time_limit: float | None, seed: int | None,
                    workers: int | None, out: Path | None) -> None:
    from salesflow.data.dataset.config import PlanningConfig
    from salesflow.data.instances.vrp_formats import read_instance
    from salesflow.data.instances.vrp_solutions import vrplib_solution_text
    from salesflow.data.outputs.writers import write_atomic
    from salesflow.optimizer.routing.instance_check import check_instance_solution
    from salesflow.optimizer.routing.instances import solve_instance

    instance = read_instance(instance_path)
    limits = _limits(PlanningConfig(), time_limit, seed, workers)
    with ProgressBar(1.0, _("routing {instance}").format(instance=instance.name)) as bar:
        try:
            solution = solve_instance(instance, limits, progress=bar.update)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    check = check_instance_solution(instance, solution.routes)
    written = None
    if out is not None and solution.cost is not None:
        written = str(write_atomic(out, vrplib_solution_text(solution.routes, check.cost)
                                   .encode("utf-8")))
    payload = {"ok": check.feasible, "instance": instance.name, "customers":
               instance.num_customers, "vehicles": solution.vehicles,
               "cost": None if solution.cost is None else check.cost,
               "feasible": check.feasible, "problems": list(check.problems),
               "seconds": round(solution.runtime, 2), "strategy": solution.strategy,
               "solution_file": written}

    def human() -> None:
        state = (_("feasible") if check.feasible
                 else _("NOT feasible: {problems}").format(problems="; ".join(check.problems)))
        click.echo(_("{instance}: {routes} routes, cost {cost}, {state} ({seconds} s)").format(
            instance=instance.name, routes=solution.vehicles, cost=payload["cost"],
            state=state, seconds=payload["seconds"]))
        if written:
            click.echo(_("solution written to {file}").format(file=written))

    emit(payload, human)
    if not check.feasible:
        sys.exit(1)


def _distances(dataset: Any, matrix: Path | None, osrm: str | None) -> Any:
    if matrix is None and osrm is None:
        return None
    from salesflow.optimizer.routing.builder import dataset_locations
    from salesflow.optimizer.routing.distances import TableDistances

    ids, lats, lons = dataset_locations(dataset)
    if matrix is not None:
        from salesflow.data.distances.matrix_file import read_distance_matrix

        table = read_distance_matrix(matrix, ids, dataset.config.routing.average_speed_kmh)
        return TableDistances(table.ids, table.km, table.minutes)
    from salesflow.data.distances.osrm import osrm_table
    from salesflow.optimizer.pipeline import require_coordinates
    from salesflow.optimizer.routing.builder import unplaced_customers

    assert osrm is not None
    require_coordinates(dataset, unplaced_customers(dataset),
                        " (OSRM takes coordinates), or give --matrix with road distances")
    km, minutes = osrm_table(osrm, lats, lons)
    return TableDistances(tuple(ids), km, minutes)


def _day_summary(problem: Any, result: Any) -> dict[str, Any]:
    plan, baseline = result.plan, result.baseline
    cost = plan.cost_breakdown(problem)["total"]
    base = baseline.cost_breakdown(problem)["total"]
    return {
        "day": problem.day.isoformat(), "stops": len(problem.stops),
        "served": plan.served_count, "vehicles": len(plan.routes),
        "km": round(sum(r.km for r in plan.routes), 1), "cost": round(cost, 2),
        "on_time_rate": round(plan.on_time_rate(problem), 4),
        "baseline_served": baseline.served_count, "baseline_cost": round(base, 2),
        "policy": plan.policy, "seconds": round(result.runtime, 2),
        "unserved": [{"customer_id": u.customer_id, "reason": u.reason} for u in plan.unserved],
    }


def _parse_days(values: tuple[str, ...]) -> tuple[dt.date, ...]:
    days = []
    for value in values:
        try:
            days.append(dt.date.fromisoformat(value))
        except ValueError:
            raise click.BadParameter(_("must be a date YYYY-MM-DD; got {value}").format(
                value=repr(value)), param_hint="--day") from None
    return tuple(days)


@click.command("routes", epilog=EPILOG)
@click.option("--week", default=None, metavar="YYYY-Www",
              help="Plan week (default: config.toml's, else the week after the last sale).")
@click.option("--day", "day_values", multiple=True, metavar="YYYY-MM-DD",
              help="Only this delivery day (repeatable); its week is the plan week.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default ./routes); with --instance the .sol file.")
@click.option("--format", "format_value", default=",".join(FORMATS), show_default=True,
              help="Comma-separated exports: csv, geojson, gpx, html (the map), run_sheets "
                   "(the drivers' printable run sheets).")
@click.option("--time-limit", type=float, default=None,
              help=TIME_LIMIT_HELP + " Here: each delivery day, or the --instance.")
@click.option("--seed", type=int, default=None, help="Seed (default config planning.seed).")
@click.option("--workers", type=int, default=None,
              help="Parallel searches (default config solver.workers).")
@click.option("--matrix", type=click.Path(path_type=Path), default=None,
              help="Road distance matrix file: from_id,to_id,km[,minutes] (CSV/Parquet/XLSX).")
@click.option("--osrm", default=None, metavar="URL",
              help="Take road distances and times from this OSRM server's table service.")
@click.option("--instance", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Solve a Solomon or VRPLIB CVRP instance file instead of the dataset.")
@allow_stale_option
@common_options
def routes_command(week: str | None, day_values: tuple[str, ...], out: Path | None,
                   format_value: str, time_limit: float | None, seed: int | None,
                   workers: int | None, matrix: Path | None, osrm: str | None,
                   instance: Path | None, allow_stale: bool, data_dir: Path | None,
                   store: str, as_json: bool) -> None:
    """Plan delivery routes with OR-Tools and export them (CSV, GeoJSON, GPX, HTML map).

    For every delivery day of the plan week (or each --day): routes per vehicle within
    capacities, time windows and shifts, unserved stops with their reason, and the
    nearest-neighbour baseline's cost beside it. With --instance, solves a public benchmark
    instance and writes the VRPLIB solution format (customers numbered as in the file).
    """
    if instance is not None:
        _solve_instance(instance, time_limit, seed, workers, out)
        return
    if matrix is not None and osrm is not None:
        raise click.BadParameter(_("give either --matrix or --osrm, not both"),
                                 param_hint="--matrix")
    formats = _formats(format_value)
    days = _parse_days(day_values)

    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.outputs.route_map import day_label
    from salesflow.data.outputs.writers import write_files_atomically
    from salesflow.optimizer.pipeline import routes_run
    from salesflow.optimizer.routing.exports import route_files

    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    limits = _limits(dataset.config, time_limit, seed, workers)
    distances = _distances(dataset, matrix, osrm)
    plan_monday = (days[0] - dt.timedelta(days=days[0].weekday()) if days and week is None
                   else dataset.plan_week_start(week))
    warnings = list(checked_freshness(dataset, plan_monday, allow_stale).warnings)
    with ProgressBar(1.0, _("routing")) as bar:
        week_start, result = routes_run(
            dataset, limits, week=week, days=days, distances=distances,
            progress=lambda day, done, total: bar.update(done / max(total, 1), str(day)))
    pairs = list(result.days)
    report = dataset.config.report
    files = route_files(pairs, _("Delivery routes, week of {date}").format(
        date=format_date(week_start)), tiles=report.map_tiles,
        attribution=report.map_attribution, names=tuple(FORMATS[f] for f in formats))
    folder = out or Path("routes")
    written = [str(p) for p in write_files_atomically(folder, files)]
    summaries = [_day_summary(problem, solve)
                 for (problem, _), solve in zip(pairs, result.solves, strict=True)]
    total = sum(s["cost"] for s in summaries)
    base = sum(s["baseline_cost"] for s in summaries)
    payload = {"ok": True, "week_start": week_start.isoformat(), "days": summaries,
               "cost": round(total, 2), "baseline_cost": round(base, 2),
               "cost_vs_baseline": round(total / base, 4) if base else None, "files": written,
               **({"warnings": warnings} if warnings else {})}

    def human() -> None:
        click.echo(ngettext("Routes for the week of {date} ({days} day):",
                            "Routes for the week of {date} ({days} days):", len(summaries))
                   .format(date=format_date(week_start), days=len(summaries)))
        for s in summaries:
            click.echo("  " + ngettext(
                "{day}  {served}/{stops} stops, {vehicles} vehicle, {km} km, cost {cost} "
                "(baseline {baseline_cost}, {baseline_served} served)",
                "{day}  {served}/{stops} stops, {vehicles} vehicles, {km} km, cost {cost} "
                "(baseline {baseline_cost}, {baseline_served} served)", s["vehicles"]).format(
                day=day_label(s["day"]), served=s["served"], stops=s["stops"],
                vehicles=s["vehicles"], km=format_number(s["km"], 1),
                cost=format_number(s["cost"], 2),
                baseline_cost=format_number(s["baseline_cost"], 2),
                baseline_served=s["baseline_served"]))
            for item in s["unserved"]:
                click.echo("      " + _("not delivered {customer_id}: {reason}").format(
                    customer_id=item["customer_id"], reason=_(item["reason"])))
        if base:
            click.echo("  " + _("week cost {cost} = {share} of the nearest-neighbour baseline "
                                "({baseline})").format(
                cost=format_number(total, 2), share=format_percent(total / base),
                baseline=format_number(base, 2)))
        click.echo(_("Files: {files}").format(files=", ".join(written)))

    emit(payload, human)
