"""Salesflow's OR-Tools portfolio on public VRP instances (``salesflow bench routing``).

Per instance: routes used, distance under the instance's convention, gap to the best-known
solution of the same convention (``bks.csv``), feasibility by the independent checker and
seconds. ``benchmarks/routing_bench.py`` runs the same rows beside PyVRP.

Conventions: Solomon distances truncated to one decimal with the file's vehicle count;
VRPLIB EUC_2D rounded, unlimited fleet (the DIMACS / CVRPLIB conventions of the published
best-known solutions, see :mod:`salesflow.optimizer.routing.instances`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def row_line(row: dict[str, Any]) -> str:
    """One line per solved instance: routes, distance, gap, feasibility, seconds."""
    state = "ok" if row["feasible"] else "INFEASIBLE"
    return (f"{row['instance']:<14} {row['vehicles']:>3} routes  "
            f"{_fmt(row['distance'], 1):>10}  gap {_fmt(row['gap_pct'])} %  "
            f"{state}  {row['seconds']} s")


def summary_line(totals: dict[str, Any], time_limit: float) -> str:
    """The closing line from :func:`summary`'s dictionary."""
    return (f"{totals['instances']} instances, {totals['feasible']} feasible, mean gap "
            f"{_fmt(totals['mean_gap_pct'], 3)} %, max gap "
            f"{_fmt(totals['max_gap_pct'], 3)} %, {time_limit:g} s limit")


def write_rows(rows: list[dict[str, Any]], out: Path) -> None:
    """The rows as a CSV file (problems joined with ``; ``), written atomically."""
    import pandas as pd

    from salesflow.data.outputs.writers import csv_bytes, write_atomic

    frame = pd.DataFrame(rows).assign(problems=lambda f: f["problems"].map("; ".join))
    write_atomic(out, csv_bytes(frame))
