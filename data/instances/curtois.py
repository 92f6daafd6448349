"""Reader of the Curtois & Qu employee shift scheduling benchmark instances (Instance1..24).

The instances are public (T. Curtois and R. Qu, *Computational results on new staff scheduling
benchmark instances*, 2014; schedulingbenchmarks.org). The format: text with ``#`` comments and
``SECTION_*`` headers (horizon, shifts, staff, days off, shift on/off requests, cover),
comma-separated rows. :func:`read_curtois` parses one file into a frozen
:class:`CurtoisInstance`; every malformed row is reported with its line number.
:func:`read_best_known` reads the best-known objective values from a markdown table of the
benchmark data's ``README.md``. The caller says where the files are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

SECTIONS = ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_DAYS_OFF",
            "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS", "SECTION_COVER")


@dataclass(frozen=True)
class CurtoisShift:
    """A shift type: its length and the shifts that may not follow it the next day."""

    shift_id: str
    minutes: int
    not_followed_by: tuple[str, ...]


@dataclass(frozen=True)
class CurtoisStaff:
    """An employee's contract (all hard rules)."""

    employee_id: str
    max_shifts: tuple[tuple[str, int], ...]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class CurtoisRequest:
    """A soft wish to work (or not work) a shift on a day; ``weight`` if not granted."""

    employee_id: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class CurtoisCover:
    """Persons wanted on a shift of a day; weights per missing and per extra person."""

    day: int
    shift_id: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class CurtoisInstance:
    """One benchmark instance (day 0 is a Monday)."""

    name: str
    n_days: int
    shifts: tuple[CurtoisShift, ...]
    staff: tuple[CurtoisStaff, ...]
    days_off: tuple[tuple[str, tuple[int, ...]], ...]
    on_requests: tuple[CurtoisRequest, ...]
    off_requests: tuple[CurtoisRequest, ...]
    cover: tuple[CurtoisCover, ...]


def _sections(text: str) -> dict[str, list[tuple[int, list[str]]]]:
    """Section name -> (line number, comma fields) of its rows, comments and blanks dropped."""
    out: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            out.setdefault(current, [])
            continue
        if current is not None:
            out[current].append((number, [f.strip() for f in line.split(",")]))
    return out


class _Parser:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def integer(self, line: int, column: str, value: str, least: int = 0) -> int:
        try:
            number = int(value)
        except ValueError:
            self.problems.append(Problem(self.file, line, column, value,
                                         _("must be an integer")))
            return least
        if number < least:
            self.problems.append(Problem(self.file, line, column, value,
                                         _("must be >= {low}").format(low=least)))
        return number

    def fields(self, line: int, fields: list[str], count: int, what: str) -> bool:
        if len(fields) < count:
            self.problems.append(Problem(self.file, line, None, ",".join(fields),
                                         _("a {section} row needs {count} fields").format(
                                             section=what, count=count)))
            return False
        return True


def _staff(p: _Parser, line: int, f: list[str]) -> CurtoisStaff:
    limits = []
    for item in filter(None, f[1].split("|")):
        shift, _, most = item.partition("=")
        limits.append((shift.strip(), p.integer(line, "MaxShifts", most)))
    return CurtoisStaff(f[0], tuple(limits), p.integer(line, "MaxTotalMinutes", f[2]),
                        p.integer(line, "MinTotalMinutes", f[3]),
                        p.integer(line, "MaxConsecutiveShifts", f[4]),
                        p.integer(line, "MinConsecutiveShifts", f[5]),
                        p.integer(line, "MinConsecutiveDaysOff", f[6]),
                        p.integer(line, "MaxWeekends", f[7]))


def parse_curtois(text: str, name: str, file: str) -> CurtoisInstance:
    """Parse the text of an instance file.

    Raises
    ------
    InvalidInputError
        If a section is missing, a row has too few fields, a number is malformed, or a row
        names an unknown shift, employee or day.
    """
    p = _Parser(file)
    sections = _sections(text)
    for section in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if not sections.get(section):
            p.problems.append(Problem(file, None, section, None,
                                      _("section missing or empty")))
    if p.problems:
        raise InvalidInputError(p.problems)
    line, f = sections["SECTION_HORIZON"][0]
    n_days = p.integer(line, "horizon", f[0], least=1)
    shifts = tuple(
        CurtoisShift(f[0], p.integer(line, "length", f[1], least=1),
                     tuple(s for s in (f[2].split("|") if len(f) > 2 else []) if s))
        for line, f in sections["SECTION_SHIFTS"] if p.fields(line, f, 2, "shift"))
    staff = tuple(_staff(p, line, f) for line, f in sections["SECTION_STAFF"]
                  if p.fields(line, f, 8, "staff"))
    days_off = tuple((f[0], tuple(p.integer(line, "day", d) for d in f[1:] if d))
                     for line, f in sections.get("SECTION_DAYS_OFF", []))
    requests = {}
    for section in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
        requests[section] = tuple(
            CurtoisRequest(f[0], p.integer(line, "day", f[1]), f[2],
                           p.integer(line, "weight", f[3]))
            for line, f in sections.get(section, []) if p.fields(line, f, 4, "request"))
    cover = tuple(
        CurtoisCover(p.integer(line, "day", f[0]), f[1], p.integer(line, "requirement", f[2]),
                     p.integer(line, "under weight", f[3]), p.integer(line, "over weight", f[4]))
        for line, f in sections["SECTION_COVER"] if p.fields(line, f, 5, "cover"))
    instance = CurtoisInstance(name, n_days, shifts, staff, days_off,
                               requests["SECTION_SHIFT_ON_REQUESTS"],
                               requests["SECTION_SHIFT_OFF_REQUESTS"], cover)
    p.problems.extend(_references(instance, file))
    if p.problems:
        raise InvalidInputError(p.problems)
    return instance


def _references(inst: CurtoisInstance, file: str) -> list[Problem]:
    shifts = {s.shift_id for s in inst.shifts}
    staff = {s.employee_id for s in inst.staff}
    problems = []

    def bad(column: str, value: str, rule: str) -> None:
        problems.append(Problem(file, None, column, value, rule))

    for s in inst.shifts:
        for other in s.not_followed_by:
            if other not in shifts:
                bad("SECTION_SHIFTS", other, _("must be a known shift id"))
    for member in inst.staff:
        for shift, _limit in member.max_shifts:
            if shift not in shifts:
                bad("SECTION_STAFF", shift, _("must be a known shift id"))
    for employee, days in inst.days_off:
        if employee not in staff:
            bad("SECTION_DAYS_OFF", employee, _("must be a known employee id"))
        for d in days:
            if not 0 <= d < inst.n_days:
                bad("SECTION_DAYS_OFF", str(d), _("must be a day 0..{last}").format(
                    last=inst.n_days - 1))
    for r in (*inst.on_requests, *inst.off_requests):
        if r.employee_id not in staff or r.shift_id not in shifts or not 0 <= r.day < inst.n_days:
            bad("SECTION_SHIFT_*_REQUESTS", f"{r.employee_id},{r.day},{r.shift_id}",
                _("must name a known employee, a day of the horizon and a known shift"))
    for c in inst.cover:
        if c.shift_id not in shifts or not 0 <= c.day < inst.n_days:
            bad("SECTION_COVER", f"{c.day},{c.shift_id}",
                _("must name a day of the horizon and a known shift"))
    return problems


def read_curtois(path: str | Path) -> CurtoisInstance:
    """Read an instance file (the name is the file's stem, e.g. ``Instance1``).

    Raises
    ------
    InvalidInputError
        If the file is missing or malformed (see :func:`parse_curtois`).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError([Problem(str(path), None, None, None,
                                         _("cannot read the instance: {error}").format(
                                             error=exc.strerror))]) from None
    return parse_curtois(text, path.stem, str(path))


_BKS_ROW = re.compile(r"^\|\s*(\d+)\s*\|[^|]*\|\s*(\d+)\s*\|")


def read_best_known(readme: str | Path) -> dict[str, int]:
    """Best-known objective per instance name (``Instance1`` -> 607) from the benchmark
    README's table (rows ``| inst | days x staff x shifts | BKS | ...``).

    Raises
    ------
    InvalidInputError
        If the file cannot be read or holds no such table.
    """
    path = Path(readme)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError([Problem(str(path), None, None, None,
                                         _("cannot read: {error}").format(
                                             error=exc.strerror))]) from None
    found = {f"Instance{m.group(1)}": int(m.group(2))
             for m in map(_BKS_ROW.match, text.splitlines()) if m}
    if not found:
        raise InvalidInputError([Problem(str(path), None, None, None,
                                         _("holds no best-known table (| inst | ... | BKS "
                                           "|)"))])
    return found
