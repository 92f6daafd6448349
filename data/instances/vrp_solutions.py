"""VRPLIB solution files (``Route #k: ...`` / ``Cost X``) and best-known-solution tables.

Customers are numbered as in the instance (see :mod:`salesflow.data.instances.vrp_formats`).

>>> vrplib_solution_text([[1]], 10)
'Route #1: 1\\nCost 10\\n'
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _
from salesflow.data.instances.vrp_formats import CVRP, SOLOMON

if TYPE_CHECKING:
    from collections.abc import Sequence


# --- VRPLIB solutions ------------------------------------------------------------------------

def _cost_text(cost: float) -> str:
    value = float(cost)
    if value.is_integer():
        return str(int(value))
    return f"{value:.1f}" if abs(value * 10 - round(value * 10)) < 1e-6 else f"{value:.6g}"


def vrplib_solution_text(routes: Sequence[Sequence[int]], cost: float) -> str:
    """A solution in the VRPLIB format: ``Route #k: c1 c2 ...`` lines, then ``Cost X``.

    Customers are numbered as in the instance (module docstring); empty routes are left out
    and the others renumbered from 1. A cost with one decimal (Solomon) is written with one.

    Raises
    ------
    ValueError
        If a route lists the depot (0) or a negative number.
    """
    lines: list[str] = []
    for route in routes:
        if not route:
            continue
        if any(int(c) <= 0 for c in route):
            raise ValueError(f"routes list customers 1..n only; got {list(route)}")
        lines.append(f"Route #{len(lines) + 1}: {' '.join(str(int(c)) for c in route)}")
    lines.append(f"Cost {_cost_text(cost)}")
    return "\n".join(lines) + "\n"


def parse_vrplib_solution(text: str, file: str = "<text>") -> tuple[list[list[int]], float | None]:
    """Routes and cost of a VRPLIB solution text (``Route #k: ...`` and ``Cost X`` lines).

    Raises
    ------
    InvalidInputError
        If a route line holds something other than customer numbers >= 1.
    """
    routes: list[list[int]] = []
    cost: float | None = None
    problems = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        match = re.match(r"^Route\s*#\s*\d+\s*:(.*)$", line, flags=re.IGNORECASE)
        if match:
            tokens = match.group(1).split()
            if not all(t.isdigit() and int(t) >= 1 for t in tokens):
                problems.append(Problem(file, number, "Route", line,
                                        _("a route lists customer numbers >= 1")))
                continue
            routes.append([int(t) for t in tokens])
        elif line.lower().startswith("cost"):
            try:
                cost = float(line.split()[1])
            except (IndexError, ValueError):
                problems.append(Problem(file, number, "Cost", line,
                                        _("expected Cost <number>")))
    if problems:
        raise InvalidInputError(problems, _("{file} is not a valid VRPLIB solution").format(
            file=file))
    return routes, cost


def read_vrplib_solution(path: str | Path) -> tuple[list[list[int]], float | None]:
    """Routes and cost of a VRPLIB ``.sol`` file.

    Raises
    ------
    InvalidInputError
        If it cannot be read or is malformed.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot read the solution file: {error}").format(
                                             error=exc.strerror))],
                                _("cannot read {file}").format(file=file)) from None
    return parse_vrplib_solution(text, file)


# --- best-known solutions --------------------------------------------------------------------

#: (objective, distance convention prefix) that ``bks.csv`` rows must have, per instance kind:
#: the conventions under which salesflow's benchmark costs are computed.
BKS_CONVENTIONS = {
    SOLOMON: ("distance_only", "euclid_trunc_1dec"),
    CVRP: ("distance_only_unlimited_fleet", "euclid_round_int"),
}


def read_bks(path: str | Path) -> dict[tuple[str, str], float]:
    """Best-known distances from a ``bks.csv`` (columns instance, bks_distance, objective,
    distance_convention, ...), keyed by ``(instance, kind)`` for the rows of
    :data:`BKS_CONVENTIONS`; other conventions are left out.

    Raises
    ------
    InvalidInputError
        If the file cannot be read, misses a column or has a bad number.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot read the BKS file: {error}").format(
                                             error=exc.strerror))]) from None
    rows = list(csv.DictReader(text.splitlines()))
    needed = ("instance", "bks_distance", "objective", "distance_convention")
    header = set(rows[0]) if rows else set()
    missing = [c for c in needed if c not in header]
    if missing:
        raise InvalidInputError([Problem(file, 1, c, None, _("required column is missing"))
                                 for c in missing])
    out: dict[tuple[str, str], float] = {}
    problems = []
    for number, row in enumerate(rows, start=2):
        for kind, (objective, convention) in BKS_CONVENTIONS.items():
            if row["objective"] == objective and \
                    row["distance_convention"].startswith(convention):
                try:
                    out[(row["instance"], kind)] = float(row["bks_distance"])
                except ValueError:
                    problems.append(Problem(file, number, "bks_distance", row["bks_distance"],
                                            _("must be a number")))
    if problems:
        raise InvalidInputError(problems)
    return out
