"""Readers for the public lot-sizing benchmark: Trigeiro, Thomas & McClain (1989) instances
(capacitated multi-item lot sizing with setup times) and their known optima.

Instance format (whitespace-separated tokens, line wraps vary)::

    n T            items, periods
    1              unused
    C              capacity per period
    b h st sc      n lines: capacity use per unit, holding cost, setup time, setup cost
    d ...          n*T demands, period-major (period 1 items 1..n, period 2 ...)

Text after the numbers (some files end with a line of column labels) is ignored.

The known optima (``known_values.csv``: literature values of the LOTSIZELIB ``tr`` instances,
Belvaux & Wolsey 2000, re-solved to proven optimality) refer to the classical CLST model:
minimise setup plus holding cost, ``sum_i,t (sc_i y_it + h_i I_it)``, subject to
``I_i,t-1 + x_it - I_it = d_it`` with ``I_i0 = 0``, ``sum_i (b_i x_it + st_i y_it) <= C`` and
``x_it <= M y_it``; no backlog, no overtime, no production cost. The caller says where the
files are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _


@dataclass(frozen=True)
class LotSizingInstance:
    """A CLST instance: ``demand`` is items × periods; the other arrays have one value per
    item."""

    name: str
    capacity: float
    unit_use: np.ndarray
    holding: np.ndarray
    setup_time: np.ndarray
    setup_cost: np.ndarray
    demand: np.ndarray

    @property
    def items(self) -> int:
        return int(self.demand.shape[0])

    @property
    def periods(self) -> int:
        return int(self.demand.shape[1])


def read_trigeiro(path: str | Path, name: str | None = None) -> LotSizingInstance:
    """Read a Trigeiro ``.DAT`` file.

    Raises
    ------
    InvalidInputError
        If the file cannot be read, a token is not a number, sizes are not positive whole
        numbers, the token count does not match, or a value is negative.
    """
    path = Path(path)
    file = str(path)
    try:
        tokens = path.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError([Problem(file, None, None, None, _(
            "cannot be read: {error}").format(error=exc))]) from None
    values = []
    for token in tokens:  # the numbers; some files end with a line of column labels
        if not _is_number(token):
            break
        values.append(float(token))
    if len(values) < 4:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("too short: needs n T, 1, C, item lines and "
                                           "demands"))])
    n, periods = values[0], values[1]
    if n != int(n) or periods != int(periods) or n < 1 or periods < 1:
        raise InvalidInputError([Problem(file, None, "n T", f"{n:g} {periods:g}",
                                         _("must be positive whole numbers"))])
    n, periods = int(n), int(periods)
    expected = 4 + 4 * n + n * periods
    if len(values) < expected:
        stop = tokens[len(values)] if len(values) < len(tokens) else _("end of file")
        raise InvalidInputError([Problem(
            file, None, None, stop,
            _("has {count} numbers before this; n={n}, T={periods} needs {needed}").format(
                count=len(values), n=n, periods=periods, needed=expected))])
    values = values[:expected]
    capacity = values[3]  # tokens: n, T, the unused 1, C
    items = np.array(values[4:4 + 4 * n]).reshape(n, 4)
    demand = np.array(values[4 + 4 * n:]).reshape(periods, n).T
    if capacity <= 0 or (items < 0).any() or (demand < 0).any():
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("capacity must be > 0, costs and demands >= 0"))])
    return LotSizingInstance(name or path.stem, float(capacity), items[:, 0].copy(),
                             items[:, 1].copy(), items[:, 2].copy(), items[:, 3].copy(), demand)


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def read_known_values(path: str | Path) -> pd.DataFrame:
    """``known_values.csv``: one row per instance with its file, the unit-time override and
    the optimum (``computed_value``) and whether it is proven (``computed_status``).

    Raises
    ------
    InvalidInputError
        If the file is missing or lacks a needed column.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype={"instance": str, "file": str})
    except (OSError, pd.errors.ParserError) as exc:
        raise InvalidInputError([Problem(str(path), None, None, None,
                                         _("cannot be read: {error}").format(error=exc))]) \
            from None
    needed = ["instance", "file", "unit_time_override", "computed_value", "computed_status"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InvalidInputError([Problem(str(path), None, c, None,
                                         _("missing required column"))
                                 for c in missing])
    return frame
