"""Public vehicle-routing benchmark files: Solomon VRPTW, VRPLIB CVRP, VRPLIB solutions.

Readers return a :class:`VrpInstance`, the file's data as typed arrays, and nothing more: how
distances are derived from the coordinates (truncated to one decimal for Solomon, rounded
EUC_2D for VRPLIB) is the optimizer's convention, not the file's.

Node numbering
--------------
Index 0 is the depot; customers are numbered as in the instance. For a Solomon file that is
its ``CUST NO.`` column (the depot is customer 0); for a VRPLIB file with the depot as node 1
(the usual case) customer ``k`` is node ``k + 1``, as in CVRPLIB's ``.sol`` files. A VRPLIB file
whose depot is not node 1 is rejected.

Errors name the file, the line (``row``) and the section or column.

>>> inst = parse_solomon("T\\nVEHICLE\\nNUMBER CAPACITY\\n2 10\\nCUSTOMER\\n"
...                      "CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME\\n"
...                      "0 0 0 0 0 100 0\\n1 3 4 5 0 50 10\\n", "t.txt")
>>> inst.name, inst.num_customers, inst.vehicles, inst.capacity, inst.due.tolist()
('T', 1, 2, 10.0, [100.0, 50.0])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _, ngettext

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

SOLOMON = "solomon"
CVRP = "cvrp"

_SUPPORTED_WEIGHTS = ("EUC_2D", "CEIL_2D", "EXPLICIT")
_SUPPORTED_MATRIX = ("FULL_MATRIX", "LOWER_ROW", "LOWER_DIAG_ROW", "UPPER_ROW",
                     "UPPER_DIAG_ROW")


def _frozen(values: Sequence[float] | NDArray[np.float64] | None) -> NDArray[np.float64] | None:
    if values is None:
        return None
    array = np.array(values, dtype=np.float64, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class VrpInstance:
    """One benchmark instance, single depot at index 0 (see the module docstring).

    Attributes
    ----------
    name:
        The instance name from the file.
    kind:
        ``"solomon"`` (VRPTW) or ``"cvrp"`` (VRPLIB capacitated VRP).
    coords:
        ``(n + 1, 2)`` x, y of the depot and the customers (may be absent for an EXPLICIT
        VRPLIB matrix: then ``None``).
    demands:
        ``(n + 1,)``, the depot's is 0.
    capacity:
        Capacity of every vehicle.
    vehicles:
        Number of vehicles available, ``None`` for an unlimited fleet (VRPLIB without a
        ``VEHICLES`` line).
    ready, due, service:
        Solomon time windows and service times, ``(n + 1,)`` each; ``None`` for CVRP.
    edge_weight_type:
        ``"EUC_2D"``, ``"CEIL_2D"`` or ``"EXPLICIT"`` for VRPLIB; ``"EUC_2D"`` for Solomon.
    explicit_weights:
        The ``(n + 1, n + 1)`` matrix of an EXPLICIT VRPLIB file, else ``None``.
    file:
        Where it was read from.
    """

    name: str
    kind: str
    coords: NDArray[np.float64] | None = field(repr=False)
    demands: NDArray[np.float64] = field(repr=False)
    capacity: float
    vehicles: int | None
    ready: NDArray[np.float64] | None = field(default=None, repr=False)
    due: NDArray[np.float64] | None = field(default=None, repr=False)
    service: NDArray[np.float64] | None = field(default=None, repr=False)
    edge_weight_type: str = "EUC_2D"
    explicit_weights: NDArray[np.float64] | None = field(default=None, repr=False)
    file: str = ""

    def __post_init__(self) -> None:
        for name in ("coords", "demands", "ready", "due", "service", "explicit_weights"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @property
    def num_customers(self) -> int:
        """Customers, the depot not counted."""
        return len(self.demands) - 1


# --- Solomon ---------------------------------------------------------------------------------

def _numbers(line: str) -> list[float] | None:
    try:
        return [float(tok) for tok in line.split()]
    except ValueError:
        return None


def parse_solomon(text: str, file: str = "<text>") -> VrpInstance:
    """Read the text of a Solomon VRPTW file (name, VEHICLE and CUSTOMER sections).

    Parameters
    ----------
    text:
        The file's content.
    file:
        Name used in error messages.

    Returns
    -------
    VrpInstance
        ``kind="solomon"``; customers in file order, which must be ``CUST NO.`` 0, 1, 2, ...

    Raises
    ------
    InvalidInputError
        If a section is missing, a line is not seven numbers, customer numbers are not
        0, 1, 2, ..., a value is negative or a window ends before it starts.
    """
    lines = text.splitlines()
    problems: list[Problem] = []
    name = next((ln.strip() for ln in lines if ln.strip()), "")
    upper = [ln.strip().upper() for ln in lines]
    try:
        vehicle_at = upper.index("VEHICLE")
        customer_at = upper.index("CUSTOMER")
    except ValueError:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("a Solomon file needs a VEHICLE and a CUSTOMER "
                                           "section (is this a VRPLIB file? those start with "
                                           "NAME :)"))],
                                _("{file} is not a Solomon instance").format(file=file)) from None
    fleet: list[float] | None = None
    fleet_row = None
    for row in range(vehicle_at + 1, customer_at):
        values = _numbers(lines[row])
        if values:
            fleet, fleet_row = values, row + 1
            break
    if fleet is None or len(fleet) != 2 or fleet[0] < 1 or fleet[1] <= 0 \
            or not float(fleet[0]).is_integer():
        problems.append(Problem(file, fleet_row, "VEHICLE", None if fleet is None else
                                " ".join(f"{v:g}" for v in fleet),
                                _("the VEHICLE section must give NUMBER (a whole number >= 1) "
                                  "and CAPACITY (> 0)")))
    rows: list[list[float]] = []
    for row in range(customer_at + 1, len(lines)):
        stripped = lines[row].strip()
        if not stripped or not (stripped[0].isdigit() or stripped[0] in "+-."):
            continue
        values = _numbers(stripped)
        if values is None or len(values) != 7:
            problems.append(Problem(file, row + 1, "CUSTOMER", stripped,
                                    _("a customer line must be 7 numbers: CUST NO., XCOORD., "
                                      "YCOORD., DEMAND, READY TIME, DUE DATE, SERVICE TIME")))
            continue
        number = values[0]
        if number != len(rows):
            problems.append(Problem(file, row + 1, "CUST NO.", f"{number:g}",
                                    _("customers must be numbered 0, 1, 2, ... in order; "
                                      "expected {expected}").format(expected=len(rows))))
        if min(values[3], values[4], values[6]) < 0:
            problems.append(Problem(file, row + 1, "CUSTOMER", stripped,
                                    _("demand, ready time and service time must be >= 0")))
        if values[5] < values[4]:
            problems.append(Problem(file, row + 1, "DUE DATE", f"{values[5]:g}",
                                    _("must not be before READY TIME ({ready})").format(
                                        ready=f"{values[4]:g}")))
        rows.append(values)
    if len(rows) < 2:
        problems.append(Problem(file, None, "CUSTOMER", None,
                                _("the CUSTOMER section needs the depot (customer 0) and at "
                                  "least one customer")))
    if problems:
        raise InvalidInputError(problems, _("{file} is not a valid Solomon instance").format(
            file=file))
    assert fleet is not None
    data = np.array(rows, dtype=np.float64)
    if data[0, 3] != 0:
        raise InvalidInputError([Problem(file, None, "DEMAND", f"{data[0, 3]:g}",
                                         _("the depot (customer 0) must have demand 0"))])
    return VrpInstance(name=name, kind=SOLOMON, coords=data[:, 1:3], demands=data[:, 3],
                       capacity=float(fleet[1]), vehicles=int(fleet[0]), ready=data[:, 4],
                       due=data[:, 5], service=data[:, 6], edge_weight_type="EUC_2D", file=file)


# --- VRPLIB CVRP -----------------------------------------------------------------------------

_SPEC = re.compile(r"^\s*([A-Z_]+)\s*:\s*(.*?)\s*$")
_SECTION = re.compile(r"^\s*([A-Z_]+_SECTION)\s*:?\s*$")
_KNOWN_SECTIONS = ("NODE_COORD_SECTION", "DEMAND_SECTION", "DEPOT_SECTION",
                   "EDGE_WEIGHT_SECTION")


def _explicit_matrix(values: list[float], size: int, fmt: str, file: str,
                     row: int | None) -> NDArray[np.float64]:
    full = np.zeros((size, size))
    if fmt == "FULL_MATRIX":
        needed = size * size
    elif fmt in ("LOWER_ROW", "UPPER_ROW"):
        needed = size * (size - 1) // 2
    else:
        needed = size * (size + 1) // 2
    if len(values) != needed:
        raise InvalidInputError([Problem(file, row, "EDGE_WEIGHT_SECTION", str(len(values)),
                                         _("{format} of dimension {size} needs {needed} "
                                           "numbers").format(format=fmt, size=size,
                                                             needed=needed))])
    if fmt == "FULL_MATRIX":
        return np.array(values, dtype=np.float64).reshape(size, size)
    it = iter(values)
    for i in range(size):
        if fmt == "LOWER_ROW":
            cols = range(i)
        elif fmt == "LOWER_DIAG_ROW":
            cols = range(i + 1)
        elif fmt == "UPPER_ROW":
            cols = range(i + 1, size)
        else:
            cols = range(i, size)
        for j in cols:
            full[i, j] = full[j, i] = next(it)
    return full


def parse_vrplib(text: str, file: str = "<text>") -> VrpInstance:
    """Read the text of a VRPLIB (TSPLIB-style) CVRP instance.

    Supported: ``TYPE : CVRP``, ``EDGE_WEIGHT_TYPE`` EUC_2D, CEIL_2D or EXPLICIT (with
    ``EDGE_WEIGHT_FORMAT`` FULL_MATRIX, LOWER_ROW, LOWER_DIAG_ROW, UPPER_ROW or
    UPPER_DIAG_ROW), one depot that is node 1, optional ``VEHICLES``.

    Parameters
    ----------
    text:
        The file's content.
    file:
        Name used in error messages.

    Returns
    -------
    VrpInstance
        ``kind="cvrp"``.

    Raises
    ------
    InvalidInputError
        If a required entry or section is missing or malformed, or the file uses a feature
        listed as unsupported above (another TYPE, several depots, time windows, ...).
    """
    specs: dict[str, tuple[str, int]] = {}
    sections: dict[str, list[tuple[int, list[float]]]] = {}
    current: str | None = None
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line == "EOF":
            if line == "EOF":
                break
            continue
        section = _SECTION.match(line)
        if section:
            current = section.group(1)
            if current not in _KNOWN_SECTIONS:
                problems.append(Problem(file, number, current, None,
                                        _("section not supported for CVRP (supported: "
                                          "{sections})").format(
                                              sections=", ".join(_KNOWN_SECTIONS))))
            sections.setdefault(current, [])
            continue
        key_value = _SPEC.match(line)
        if key_value and not line[0].isdigit() and line[0] != "-":
            specs[key_value.group(1)] = (key_value.group(2).strip().strip('"'), number)
            current = None
            continue
        if current is None:
            problems.append(Problem(file, number, None, line,
                                    _("expected a KEY : value line or a *_SECTION header")))
            continue
        values = _numbers(line)
        if values is None:
            problems.append(Problem(file, number, current, line, _("expected numbers")))
            continue
        sections[current].append((number, values))
    if problems:
        raise InvalidInputError(problems, _("{file} is not a valid VRPLIB CVRP instance")
                                .format(file=file))

    def spec(key: str, default: str | None = None) -> str:
        if key in specs:
            return specs[key][0]
        if default is None:
            problems.append(Problem(file, None, key, None,
                                    _("{key} : ... is required").format(key=key)))
            return ""
        return default

    kind = spec("TYPE", "CVRP").upper()
    if kind != "CVRP":
        problems.append(Problem(file, specs["TYPE"][1], "TYPE", kind,
                                _("only TYPE : CVRP is supported")))
    weight_type = spec("EDGE_WEIGHT_TYPE").upper()
    if weight_type and weight_type not in _SUPPORTED_WEIGHTS:
        problems.append(Problem(file, specs["EDGE_WEIGHT_TYPE"][1], "EDGE_WEIGHT_TYPE",
                                weight_type, _("must be one of {choices}").format(
                                    choices=", ".join(_SUPPORTED_WEIGHTS))))
    dim_text, cap_text = spec("DIMENSION"), spec("CAPACITY")
    size, capacity = 0, 0.0
    try:
        size = int(dim_text)
        if size < 2:
            raise ValueError
    except ValueError:
        if dim_text:
            problems.append(Problem(file, specs["DIMENSION"][1], "DIMENSION", dim_text,
                                    _("must be a whole number >= 2")))
    try:
        capacity = float(cap_text)
        if not capacity > 0:
            raise ValueError
    except ValueError:
        if cap_text:
            problems.append(Problem(file, specs["CAPACITY"][1], "CAPACITY", cap_text,
                                    _("must be a number > 0")))
    vehicles: int | None = None
    if "VEHICLES" in specs:
        try:
            vehicles = int(specs["VEHICLES"][0])
            if vehicles < 1:
                raise ValueError
        except ValueError:
            problems.append(Problem(file, specs["VEHICLES"][1], "VEHICLES",
                                    specs["VEHICLES"][0], _("must be a whole number >= 1")))
    if problems:
        raise InvalidInputError(problems, _("{file} is not a valid VRPLIB CVRP instance")
                                .format(file=file))

    coords = None
    if weight_type != "EXPLICIT" or "NODE_COORD_SECTION" in sections:
        coords = _node_table(sections, "NODE_COORD_SECTION", size, 2, file, problems)
    demand_table = _node_table(sections, "DEMAND_SECTION", size, 1, file, problems)
    depot_rows = [v for _, vals in sections.get("DEPOT_SECTION", []) for v in vals]
    depots = [int(v) for v in depot_rows if v != -1]
    if depots != [1]:
        problems.append(Problem(file, None, "DEPOT_SECTION", " ".join(map(str, depots)),
                                _("exactly one depot, node 1, is supported")))
    explicit = None
    if weight_type == "EXPLICIT":
        fmt = spec("EDGE_WEIGHT_FORMAT").upper()
        if fmt not in _SUPPORTED_MATRIX:
            problems.append(Problem(file, specs.get("EDGE_WEIGHT_FORMAT", ("", None))[1],
                                    "EDGE_WEIGHT_FORMAT", fmt,
                                    _("must be one of {choices}").format(
                                        choices=", ".join(_SUPPORTED_MATRIX))))
        else:
            rows = sections.get("EDGE_WEIGHT_SECTION", [])
            flat = [v for _, vals in rows for v in vals]
            try:
                explicit = _explicit_matrix(flat, size, fmt, file, rows[0][0] if rows else None)
            except InvalidInputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InvalidInputError(problems, _("{file} is not a valid VRPLIB CVRP instance")
                                .format(file=file))
    assert demand_table is not None
    demands = demand_table[:, 0]
    if demands[0] != 0 or np.any(demands < 0):
        raise InvalidInputError([Problem(file, None, "DEMAND_SECTION", None,
                                         _("demands must be >= 0 and the depot's 0"))])
    return VrpInstance(name=spec("NAME", Path(file).stem), kind=CVRP, coords=coords,
                       demands=demands, capacity=capacity, vehicles=vehicles,
                       edge_weight_type=weight_type, explicit_weights=explicit, file=file)


def _node_table(sections: dict[str, list[tuple[int, list[float]]]], name: str, size: int,
                width: int, file: str, problems: list[Problem]) -> NDArray[np.float64] | None:
    """``(size, width)`` values of a ``node value...`` section, nodes 1..size in any order."""
    rows = sections.get(name)
    if rows is None:
        problems.append(Problem(file, None, name, None,
                                _("{section} is required").format(section=name)))
        return None
    table = np.full((size, width), np.nan)
    for number, values in rows:
        node = values[0]
        if len(values) != width + 1 or not node.is_integer() or not 1 <= node <= size:
            problems.append(Problem(file, number, name, " ".join(f"{v:g}" for v in values),
                                    ngettext("expected a node number in 1..{size} and {count} "
                                             "value", "expected a node number in 1..{size} and "
                                             "{count} values", width).format(
                                                 size=size, count=width)))
            continue
        table[int(node) - 1] = values[1:]
    missing = np.flatnonzero(np.isnan(table).any(axis=1)) + 1
    if len(missing):
        problems.append(Problem(file, None, name, None,
                                _("no values for node(s) {nodes}").format(
                                    nodes=", ".join(map(str, missing[:10]))
                                    + (" ..." if len(missing) > 10 else ""))))
    return table


# --- files -----------------------------------------------------------------------------------

def read_instance(path: str | Path) -> VrpInstance:
    """Read a Solomon or VRPLIB CVRP file, telling them apart by content.

    A file with a ``NAME :`` / ``DIMENSION :`` header is VRPLIB, one with ``VEHICLE`` and
    ``CUSTOMER`` sections Solomon.

    Raises
    ------
    InvalidInputError
        If the file cannot be read, is neither format, or is invalid (see the parsers).
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot read the instance file: {error}").format(
                                             error=exc.strerror))],
                                _("cannot read {file}").format(file=file)) from None
    if re.search(r"^\s*DIMENSION\s*:", text, flags=re.MULTILINE):
        return parse_vrplib(text, file)
    return parse_solomon(text, file)
