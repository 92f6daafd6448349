"""The roster problem: employees x days x shift types, the rules and what coverage is worth.

One model serves both the warehouse roster (hourly coverage per skill, labour cost) and the
Curtois & Qu benchmark instances (coverage per shift type, shift requests). Days are numbered
``0 .. n_days - 1`` from the first day of the horizon; ``first_weekday`` (Monday = 0) says which
weekday day 0 is, so weekends are known. Everything is trusted after ``__post_init__``: builders
(:mod:`~salesflow.optimizer.staffing.warehouse_problem`,
:mod:`~salesflow.optimizer.staffing.curtois_problem`) turn validated input into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COVER_BY_SHIFT = "shift"
"""Coverage slots are (day, shift type): one unit per person working that shift that day."""
COVER_BY_HOUR = "hour"
"""Coverage slots are (day, hour): a shift adds the minutes it covers of each clock hour."""

SATURDAY, SUNDAY = 5, 6
DETERMINISTIC_SHARE = 0.5
"""Deterministic-time budget per second of the time limit (interleaved search) when
``SolveLimits.work_limit`` is ``None``."""


@dataclass(frozen=True)
class ShiftType:
    """A shift type.

    Attributes
    ----------
    shift_id:
        Its name.
    start, end:
        Minutes after midnight of the day it starts on; ``end > start`` (``end > 1440`` crosses
        midnight). Only hourly coverage uses them.
    paid_minutes:
        Paid length (length minus break), counted by the work-time limits and labour cost.
    """

    shift_id: str
    start: int
    end: int
    paid_minutes: int

    def __post_init__(self) -> None:
        if not self.end > self.start:
            raise ValueError(f"shift {self.shift_id!r}: end must be after start; "
                             f"got {self.start}-{self.end}")
        if self.paid_minutes < 0:
            raise ValueError(f"shift {self.shift_id!r}: paid_minutes must be >= 0; "
                             f"got {self.paid_minutes}")


@dataclass(frozen=True)
class RotationBan:
    """``second`` may not start ``lag`` days after ``first`` (by the same employee)."""

    first: str
    second: str
    lag: int = 1


@dataclass(frozen=True)
class WorkLimit:
    """Paid minutes an employee works on days ``first_day .. last_day - 1``: at least
    ``min_minutes``, at most ``max_minutes``."""

    first_day: int
    last_day: int
    min_minutes: int
    max_minutes: int


@dataclass(frozen=True)
class StaffMember:
    """One employee and their contract.

    Attributes
    ----------
    employee_id:
        The employee.
    skills:
        Roles they may work in (coverage of a skill counts only people in that role).
    cost_per_paid_minute:
        Labour cost of a paid minute (0 for the benchmark instances).
    days_off:
        Days they cannot work.
    work_limits:
        Min/max paid minutes over day ranges (a week each, or the whole horizon).
    max_shifts:
        ``(shift_id, most shifts of that type over the horizon)`` pairs.
    max_consecutive_shifts, min_consecutive_shifts, min_consecutive_days_off:
        Run lengths of working days and days off (``None`` = no rule). The minimum rules
        exempt runs touching the first or the last day of the horizon.
    max_weekends:
        Weekends (Saturday or Sunday worked) at most; ``None`` = no rule.
    max_days_per_weekend:
        Days worked of one weekend (Saturday and Sunday) at most; ``None`` = no rule.
    """

    employee_id: str
    skills: tuple[str, ...]
    cost_per_paid_minute: float = 0.0
    days_off: frozenset[int] = frozenset()
    work_limits: tuple[WorkLimit, ...] = ()
    max_shifts: tuple[tuple[str, int], ...] = ()
    max_consecutive_shifts: int | None = None
    min_consecutive_shifts: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    max_days_per_weekend: int | None = None


@dataclass(frozen=True)
class CoverDemand:
    """What one coverage slot needs of one skill, and what missing or extra units cost.

    ``slot`` is a shift id (coverage by shift) or an hour 0-23 (coverage by hour).
    ``required`` is in units: persons for coverage by shift, person-minutes for coverage by
    hour. The weights are costs per unit short and per unit extra.
    """

    day: int
    slot: str | int
    skill: str
    required: int
    under_weight: float
    over_weight: float


@dataclass(frozen=True)
class ShiftRequest:
    """A wish to work (``on``) or not work shift ``shift_id`` on ``day``; ``weight`` is the
    cost of not granting it. ``shift_id`` ``None`` means any shift."""

    employee: int
    day: int
    shift_id: str | None
    on: bool
    weight: float


@dataclass(frozen=True)
class RosterProblem:
    """A rostering problem (see the module docstring).

    Attributes
    ----------
    n_days, first_weekday:
        Horizon length and the weekday of day 0 (Monday = 0).
    shift_types, staff:
        The shift types and employees (indexes are positions in these tuples).
    rotation_bans:
        Forbidden successions (from explicit rules or from the minimum rest).
    cover_mode:
        :data:`COVER_BY_SHIFT` or :data:`COVER_BY_HOUR`.
    demands:
        Coverage needs, at most one per (day, slot, skill).
    requests:
        Shift on/off wishes.
    cost_scale:
        Costs are multiplied by this and rounded to integers in the solver's objective.
    """

    n_days: int
    first_weekday: int
    shift_types: tuple[ShiftType, ...]
    staff: tuple[StaffMember, ...]
    rotation_bans: tuple[RotationBan, ...] = ()
    cover_mode: str = COVER_BY_SHIFT
    demands: tuple[CoverDemand, ...] = ()
    requests: tuple[ShiftRequest, ...] = ()
    cost_scale: int = 1
    roles: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.n_days < 1:
            raise ValueError(f"n_days must be >= 1; got {self.n_days}")
        if not 0 <= self.first_weekday <= 6:
            raise ValueError(f"first_weekday must be in 0..6; got {self.first_weekday}")
        if not self.shift_types:
            raise ValueError("shift_types must not be empty")
        if self.cover_mode not in (COVER_BY_SHIFT, COVER_BY_HOUR):
            raise ValueError(f"cover_mode must be {COVER_BY_SHIFT!r} or {COVER_BY_HOUR!r}; "
                             f"got {self.cover_mode!r}")
        if self.cost_scale < 1:
            raise ValueError(f"cost_scale must be >= 1; got {self.cost_scale}")
        ids = [s.shift_id for s in self.shift_types]
        if len(set(ids)) != len(ids):
            raise ValueError(f"shift ids must be unique; got {ids}")
        known = set(ids)
        for ban in self.rotation_bans:
            if ban.first not in known or ban.second not in known or ban.lag < 1:
                raise ValueError(f"rotation ban must name known shifts with lag >= 1; got {ban}")
        keys = [(d.day, d.slot, d.skill) for d in self.demands]
        if len(set(keys)) != len(keys):
            raise ValueError("demands must have at most one entry per (day, slot, skill)")
        for d in self.demands:
            if not 0 <= d.day < self.n_days or d.required < 0:
                raise ValueError(f"demand must have a day in the horizon and required >= 0; "
                                 f"got {d}")
            if self.cover_mode == COVER_BY_SHIFT and d.slot not in known:
                raise ValueError(f"demand slot must be a shift id; got {d.slot!r}")
            if self.cover_mode == COVER_BY_HOUR and d.slot not in range(24):
                raise ValueError(f"demand slot must be an hour 0-23; got {d.slot!r}")
        for r in self.requests:
            if not 0 <= r.employee < len(self.staff) or not 0 <= r.day < self.n_days:
                raise ValueError(f"request must name a known employee and day; got {r}")
            if r.shift_id is not None and r.shift_id not in known:
                raise ValueError(f"request must name a known shift; got {r}")
        roles = {d.skill for d in self.demands}
        for member in self.staff:
            roles.update(member.skills)
        object.__setattr__(self, "roles", tuple(sorted(roles)))

    def weekday(self, day: int) -> int:
        """Weekday (Monday = 0) of ``day``."""
        return (self.first_weekday + day) % 7

    def weekends(self) -> list[tuple[int, ...]]:
        """The weekends touching the horizon, each as its days (Saturday and/or Sunday)."""
        out: list[tuple[int, ...]] = []
        for day in range(self.n_days):
            wd = self.weekday(day)
            if wd == SATURDAY:
                out.append(tuple(d for d in (day, day + 1) if d < self.n_days))
            elif wd == SUNDAY and day == 0:
                out.append((day,))
        return out

    def shift_index(self, shift_id: str) -> int:
        """Position of ``shift_id`` in :attr:`shift_types`."""
        for i, s in enumerate(self.shift_types):
            if s.shift_id == shift_id:
                return i
        raise KeyError(shift_id)


@dataclass(frozen=True)
class Shift:
    """One assignment of a solution: employee (index), day, shift type (index), role."""

    employee: int
    day: int
    shift: int
    role: str
