"""The roster model on the Curtois & Qu instances and Erlang C on its reference table
(``salesflow bench staffing``).

Per instance: the objective the independent checker recomputes, the best-known value (from the
table of the data folder's ``README.md``), the gap, whether every hard rule holds, the solver's
bound and seconds. ``benchmarks/staffing_bench.py`` runs the same rows, adds a medium dataset
and writes BENCHMARKS.md.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from salesflow.data.errors import UserError

RowCallback = Callable[[dict[str, Any]], None]


def parse_instances(text: str) -> list[int]:
    """``"1-4,7"`` -> ``[1, 2, 3, 4, 7]``.

    Raises
    ------
    ValueError
        If the text is not a list of numbers and ranges (the message says what is expected).
    """
    out: list[int] = []
    try:
        for part in filter(None, (p.strip() for p in text.split(","))):
            first, _, last = part.partition("-")
            out.extend(range(int(first), int(last or first) + 1))
    except ValueError:
        raise ValueError(f"must be numbers and ranges like 1-4,7; got {text!r}") from None
    if not out or min(out) < 1:
        raise ValueError(f"must name instances 1 or higher; got {text!r}")
    return sorted(set(out))


def run_curtois(folder: Path, numbers: list[int], limits: Any,
                on_row: RowCallback | None = None) -> list[dict[str, Any]]:
    """Solve each instance through the roster model and check it independently.

    Returns
    -------
    list of dict
        ``instance, days, staff, shifts, objective, bks, gap_pct, at_bks, feasible,
        violations, status, bound, seconds`` per instance.

    Raises
    ------
    UserError
        If an instance file is missing.
    """
    from salesflow.data.instances.curtois import read_best_known, read_curtois
    from salesflow.optimizer.staffing.curtois_check import check_curtois
    from salesflow.optimizer.staffing.curtois_problem import (
        curtois_problem,
        schedule_of,
        solve_curtois,
    )

    readme = folder / "README.md"
    bks = read_best_known(readme) if readme.is_file() else {}
    rows = []
    for number in numbers:
        path = folder / "curtois" / f"Instance{number}.txt"
        if not path.is_file():
            raise UserError(f"no instance file {path}; --data-dir must hold curtois/")
        instance = read_curtois(path)
        problem = curtois_problem(instance)
        solution = solve_curtois(problem, limits)
        schedule = schedule_of(problem, solution.shifts)
        verdict = check_curtois(instance, [(e, d, s) for e, plan in schedule.items()
                                           for d, s in plan.items()])
        best = bks.get(instance.name)
        found = verdict.objective if solution.has_roster else None
        row = {
            "instance": instance.name, "days": instance.n_days, "staff": len(instance.staff),
            "shifts": len(instance.shifts), "objective": found, "bks": best,
            "gap_pct": (100.0 * (found / best - 1.0) if found is not None and best else None),
            "at_bks": found is not None and found == best,
            "feasible": solution.has_roster and verdict.feasible,
            "violations": list(verdict.violations[:5]) if solution.has_roster else [],
            "status": solution.status,
            "bound": None if solution.bound is None or not math.isfinite(solution.bound)
            else solution.bound,
            "seconds": round(solution.runtime, 1),
        }
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def run_erlang(path: Path) -> list[dict[str, Any]]:
    """Erlang C against every row of the reference table.

    Returns
    -------
    list of dict
        Per row: the case, reference and computed P(wait), service level, ASA, occupancy,
        agents needed for the row's 80 % target, the largest absolute difference and whether
        it is within 5e-7 (the table's rounding).

    Raises
    ------
    UserError
        If the file is missing.
    """
    from salesflow.optimizer.staffing.erlang import agents_needed, queue_figures

    if not path.is_file():
        raise UserError(f"no Erlang C reference table {path}")
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for ref in csv.DictReader(handle):
            q = queue_figures(int(ref["agents"]), float(ref["calls"]), float(ref["interval_s"]),
                              float(ref["aht_s"]), float(ref["target_answer_s"]))
            pairs = [(q.p_wait, ref["p_wait"]), (q.service_level, ref["service_level"]),
                     (q.occupancy, ref["occupancy"]), (q.asa_seconds, ref["asa_s"])]
            diffs = [abs(mine - float(theirs)) for mine, theirs in pairs if theirs]
            needed = agents_needed(q.traffic, float(ref["aht_s"]),
                                   float(ref["target_answer_s"]), 0.8)
            rows.append({
                "case": ref["case"], "agents": int(ref["agents"]), "traffic": q.traffic,
                "p_wait": q.p_wait, "p_wait_ref": float(ref["p_wait"]),
                "service_level": q.service_level,
                "service_level_ref": float(ref["service_level"]),
                "asa_seconds": q.asa_seconds if math.isfinite(q.asa_seconds) else None,
                "occupancy": q.occupancy, "agents_needed_80": needed,
                "max_abs_diff": max(diffs), "match": max(diffs) <= 5e-6,
            })
    return rows


def curtois_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean gap, instances at the best known, all feasible."""
    gaps = [r["gap_pct"] for r in rows if r["gap_pct"] is not None]
    return {"instances": len(rows), "mean_gap_pct": statistics.fmean(gaps) if gaps else None,
            "at_bks": sum(r["at_bks"] for r in rows),
            "all_feasible": all(r["feasible"] for r in rows)}


def row_line(row: dict[str, Any]) -> str:
    """One line per solved instance: objective, best known, gap, feasibility, status, bound,
    seconds."""
    gap = "n/a" if row["gap_pct"] is None else f"{row['gap_pct']:.2f} %"
    return (f"{row['instance']:<11} {row['objective']!s:>6} best {row['bks']!s:>5} "
            f"gap {gap:>8}  feasible {row['feasible']!s:<5} {row['status']:<9} "
            f"bound {row['bound']!s:>8} {row['seconds']:>6.1f} s")


def summary_lines(summary: dict[str, Any], erlang: list[dict[str, Any]]) -> list[str]:
    """The closing lines: the Curtois summary (:func:`curtois_summary`) and the Erlang C
    rows reproduced (:func:`run_erlang`)."""
    mean = summary["mean_gap_pct"]
    ok = sum(r["match"] for r in erlang)
    return [f"mean gap {'n/a' if mean is None else f'{mean:.2f} %'}, "
            f"{summary['at_bks']}/{summary['instances']} at the best known, "
            f"all feasible: {summary['all_feasible']}",
            f"Erlang C: {ok}/{len(erlang)} reference rows reproduced "
            f"(largest difference {max(r['max_abs_diff'] for r in erlang):.1e})"]
