"""``salesflow bench routing``: the OR-Tools portfolio on public VRP instances.

Per instance: routes used, distance under the instance's convention, gap to the best-known
solution of the same convention (``bks.csv``), feasibility by the independent checker and
seconds. ``benchmarks/routing_bench.py`` runs the same rows beside PyVRP.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import emit, json_option, wants_json
from salesflow.data.errors import UserError

INSTANCE_SUFFIXES = (".txt", ".vrp")

RowCallback = Callable[[dict[str, Any]], None]


def list_instances(folder: Path, only: tuple[str, ...] = ()) -> list[Path]:
    """Instance files (``*.txt`` Solomon, ``*.vrp`` VRPLIB) in ``folder``, sorted by name;
    only those whose stem is in ``only`` when given.

    Raises
    ------
    UserError
        If the folder does not exist or holds no instance (of ``only``).
    """
    if not folder.is_dir():
        raise UserError(f"--instances must be a folder of .txt/.vrp files; {folder} is not "
                        f"a folder")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in INSTANCE_SUFFIXES)
    if only:
        wanted = {o.lower() for o in only}
        files = [p for p in files if p.stem.lower() in wanted]
    if not files:
        raise UserError(f"no instance files in {folder}" + (f" named {', '.join(only)}"
                                                             if only else ""))
    return files


def default_bks(folder: Path) -> Path | None:
    """``bks.csv`` in the instance folder or its parent, if there is one."""
    for candidate in (folder / "bks.csv", folder.parent / "bks.csv"):
        if candidate.is_file():
            return candidate
    return None


def gap_pct(cost: float | None, bks: float | None) -> float | None:
    """``100 * (cost / bks - 1)``, None when either is missing."""
    if cost is None or bks is None or bks <= 0:
        return None
    return 100.0 * (cost / bks - 1.0)


def run_salesflow(files: list[Path], limits: Any, bks: dict[tuple[str, str], float],
                  on_row: RowCallback | None = None) -> list[dict[str, Any]]:
    """Solve each instance with the salesflow portfolio and check it independently.

    Returns
    -------
    list of dict
        ``instance, kind, customers, vehicles, distance, bks, gap_pct, feasible, problems,
        seconds, strategy`` per instance.
    """
    from salesflow.data.instances.vrp_formats import read_instance
    from salesflow.optimizer.routing.instance_check import check_instance_solution
    from salesflow.optimizer.routing.instances import solve_instance

    rows = []
    for path in files:
        instance = read_instance(path)
        solution = solve_instance(instance, limits)
        check = check_instance_solution(instance, solution.routes)
        best = bks.get((instance.name, instance.kind))
        cost = check.cost if check.feasible else None
        row = {"instance": instance.name, "kind": instance.kind,
               "customers": instance.num_customers, "vehicles": solution.vehicles,
               "distance": cost, "bks": best, "gap_pct": gap_pct(cost, best),
               "feasible": check.feasible, "problems": list(check.problems),
               "seconds": round(solution.runtime, 2), "strategy": solution.strategy}
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Count, feasible count, mean / max gap (over instances with a BKS and a feasible
    solution) and mean seconds."""
    gaps = [r["gap_pct"] for r in rows if r["gap_pct"] is not None]
    return {"instances": len(rows), "feasible": sum(1 for r in rows if r["feasible"]),
            "mean_gap_pct": round(statistics.fmean(gaps), 3) if gaps else None,
            "max_gap_pct": round(max(gaps), 3) if gaps else None,
            "mean_seconds": round(statistics.fmean(r["seconds"] for r in rows), 2)
            if rows else None}


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@click.command("routing", epilog="""\b
Examples:
  salesflow bench routing --instances ../shared/benchmarks/vrp/solomon --time-limit 30
  salesflow bench routing --instances ../shared/benchmarks/vrp/x --time-limit 60 --json
  salesflow bench routing --instances ../shared/benchmarks/vrp/solomon --only C101,R101 \\
      --time-limit 10 --out rows.csv
""")
@click.option("--instances", "folder", type=click.Path(path_type=Path), required=True,
              help="Folder of Solomon (.txt) or VRPLIB CVRP (.vrp) instances.")
@click.option("--time-limit", type=float, default=30.0, show_default=True,
              help="Seconds per instance.")
@click.option("--bks", "bks_path", type=click.Path(path_type=Path), default=None,
              help="bks.csv of best-known solutions (default: beside the instances).")
@click.option("--only", default="", help="Comma-separated instance names to run.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", type=int, default=2, show_default=True,
              help="Parallel searches per instance.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Also write the rows to this CSV file.")
@json_option
def bench_routing_command(folder: Path, time_limit: float, bks_path: Path | None, only: str,
                          seed: int, workers: int, out: Path | None, as_json: bool) -> None:
    """Solve public VRP instances; report routes, distance, gap to the BKS, feasibility, time.

    Conventions: Solomon distances truncated to one decimal with the file's vehicle count;
    VRPLIB EUC_2D rounded, unlimited fleet (see ../shared/benchmarks/vrp/README.md).
    """
    from salesflow.data.instances.vrp_solutions import read_bks
    from salesflow.optimizer.routing.portfolio import RoutingLimits

    try:
        limits = RoutingLimits(time_limit=time_limit, seed=seed, workers=workers)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    names = tuple(n.strip() for n in only.split(",") if n.strip())
    files = list_instances(folder, names)
    bks_file = bks_path or default_bks(folder)
    bks = read_bks(bks_file) if bks_file is not None else {}
    show = not wants_json()

    def on_row(row: dict[str, Any]) -> None:
        if show:
            state = "ok" if row["feasible"] else "INFEASIBLE"
            click.echo(f"{row['instance']:<14} {row['vehicles']:>3} routes  "
                       f"{_fmt(row['distance'], 1):>10}  gap {_fmt(row['gap_pct'])} %  "
                       f"{state}  {row['seconds']} s")

    from salesflow.cli.routes_cmd import ProgressBar

    with ProgressBar(float(len(files)), "instances") as bar:
        def on_row_and_bar(row: dict[str, Any]) -> None:
            on_row(row)
            bar.update(len(seen) + 1, row["instance"])
            seen.append(row["instance"])

        seen: list[str] = []
        rows = run_salesflow(files, limits, bks, on_row_and_bar)
    if out is not None:
        import pandas as pd

        from salesflow.data.outputs.writers import csv_bytes, write_atomic

        frame = pd.DataFrame(rows).assign(problems=lambda f: f["problems"].map("; ".join))
        write_atomic(out, csv_bytes(frame))
    totals = summary(rows)

    def human() -> None:
        click.echo(f"{totals['instances']} instances, {totals['feasible']} feasible, mean gap "
                   f"{_fmt(totals['mean_gap_pct'], 3)} %, max gap "
                   f"{_fmt(totals['max_gap_pct'], 3)} %, {time_limit:g} s limit")

    emit({"ok": totals["feasible"] == totals["instances"], "summary": totals, "rows": rows},
         human)
