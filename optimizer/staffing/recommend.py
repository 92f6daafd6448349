"""What the order-cycle target needs: the least-cost shifts to add to a roster so that the
order processing cycle (:func:`~salesflow.optimizer.staffing.cycle.cycle_time`) meets its
target.

A search over capacity with the cycle model as its judge. The candidates are one more person
on an existing shift type, on a day of the week, in a skill of the process steps, priced at
that shift's paid hours times the skill's hiring rate (the median ``hourly_cost`` of the
employees holding the skill: the labour cost of the data). Greedy by waiting removed per unit
cost (lazy: a candidate's gain is re-measured only when it comes to the top), one shift at a
time until the mean cycle is within the target; then every added shift whose removal keeps the
target met is removed, the dearest first, and each one left is replaced by the cheapest shift
of its skill (another day or a shorter shift type) with which the target still holds. The
search spends at most
:data:`EVALUATIONS_PER_SECOND` cycle simulations per second of
``SolveLimits.time_limit_seconds`` (a work limit: the same inputs give the same advice) and
stops at that time limit (wall clock) at the latest.

Who works the added shifts: an existing employee with the skill whose contract and the
roster's hard rules (:func:`~salesflow.optimizer.staffing.check.check_roster`: one shift a
day, 11 h rest, unavailable dates, ``max_hours_week``; and the roster's run rules: six days in
a row, one day of a weekend) leave room, at their own hourly cost,
when that is cheaper than the hiring rate; otherwise an extra person (``new_<skill>_<n>``) at
the hiring rate, who obeys the same rules.

When no staffing can meet the target (even every shift hour of every skill fully staffed
leaves the cycle above it: the steps' own minutes, or orders arriving when no shift type
runs), the advice says so and by how much.
"""

from __future__ import annotations

import datetime as dt
import heapq
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.check import RosterChecker
from salesflow.optimizer.staffing.coverage import staffed_rows
from salesflow.optimizer.staffing.cycle import (
    CycleTime,
    OrderFlow,
    capacity_minutes,
    cycle_time,
)
from salesflow.optimizer.staffing.roster import Assignment, Roster, labour_cost, shift_span
from salesflow.optimizer.staffing.warehouse_problem import (
    MAX_CONSECUTIVE_DAYS,
    MAX_DAYS_PER_WEEKEND,
)

UNFINISHED_HOURS = 3 * 168.0
"""Order-hours a measured order still unfinished at the end of the simulation counts as, in
the search's score (it waited at least the three weeks simulated after it)."""
UNLIMITED = 1000.0
"""Persons per skill and hour in the 'every shift hour fully staffed' floor check."""
EVALUATIONS_PER_SECOND = 100
"""The search's work budget: cycle simulations per second of the time limit, so that the same
inputs give the same advice on a busy machine. On the large dataset's week the whole advice, 954
simulations of five steps, took 4.1 s here (under 4 ms a simulation), so the budget ends well
inside the time limit."""
NEW_PREFIX = "new_"
STOP_MET, STOP_NO_GAIN, STOP_TIME, STOP_WORK, STOP_FLOOR, STOP_ALREADY = (
    "target met", "no added shift shortens the cycle", "time limit", "work limit",
    "staffing alone cannot meet the target", "target already met")
STOP_NO_ORDERS = "no orders forecast"


@dataclass(frozen=True)
class AddedShift:
    """One shift added to the roster: who, when, in which role, at what cost."""

    assignment: Assignment
    hourly_cost: float
    existing: bool

    @property
    def cost(self) -> float:
        return self.assignment.paid_hours * self.hourly_cost


@dataclass(frozen=True)
class CycleAdvice:
    """The least-cost capacity found for the cycle target.

    Attributes
    ----------
    target_hours:
        The cycle target.
    before, after:
        The cycle under today's roster and under today's roster plus :attr:`added`.
    added:
        The added shifts, by day and start.
    met:
        Whether ``after`` meets the target.
    floor_hours:
        Mean cycle with every shift hour of every process skill fully staffed: the least
        any staffing of the existing shift types can reach.
    stopped_by:
        What ended the search (``target met``, ``time limit``, ...).
    hire_rates:
        Skill -> hourly cost of an extra person (median ``hourly_cost`` of its holders).
    new_employees:
        The extra people as rows of the employees table (``max_hours_week`` of the skill's
        holders, no minimum).
    roster:
        Today's roster with the added shifts.
    evaluations, runtime:
        Cycle simulations run and wall seconds.
    """

    target_hours: float
    before: CycleTime
    after: CycleTime
    added: tuple[AddedShift, ...]
    met: bool
    floor_hours: float
    stopped_by: str
    hire_rates: dict[str, float]
    new_employees: pd.DataFrame
    roster: Roster
    evaluations: int = 0
    runtime: float = 0.0
    steps_by_skill: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        return float(sum(a.cost for a in self.added))

    @property
    def hours(self) -> float:
        return float(sum(a.assignment.paid_hours for a in self.added))

    @property
    def short_by_hours(self) -> float:
        """Hours the cycle stays above the target (0 when met)."""
        return 0.0 if self.met else max(self.after.mean_hours - self.target_hours, 0.0)


@dataclass(frozen=True, eq=False)
class _Candidate:
    day: dt.date
    shift_id: str
    skill: str
    start: int
    end: int
    paid_hours: float
    rows: pd.DataFrame  # date, hour, skill, staffed of one person on this shift


def hire_rates(employees: pd.DataFrame, skills: list[str]) -> dict[str, float]:
    """Skill -> median ``hourly_cost`` of the employees holding it (of all employees for a
    skill nobody holds)."""
    costs = employees["hourly_cost"].astype(float)
    out = {}
    for skill in skills:
        holders = costs[[skill in tuple(s) for s in employees["skills"]]]
        out[skill] = float((holders if len(holders) else costs).median())
    return out


def _shift_rows(shifts: pd.DataFrame) -> list[tuple[str, int, int, float]]:
    out = []
    for s in shifts.sort_values(["start", "shift_id"], kind="stable").itertuples(index=False):
        start, end = shift_span(s.start, s.end)
        out.append((str(s.shift_id), start, end, (end - start - float(s.break_minutes)) / 60))
    return out


def _assignment(c: _Candidate, employee_id: str) -> Assignment:
    return Assignment(employee_id, c.day, c.shift_id, c.start, c.end, c.paid_hours, c.skill)


def _candidates(dates: list[dt.date], shifts: pd.DataFrame,
                skills: list[str]) -> list[_Candidate]:
    out = []
    for day in dates:
        for shift_id, start, end, paid in _shift_rows(shifts):
            for skill in skills:
                a = Assignment("_", day, shift_id, start, end, paid, skill)
                rows = staffed_rows(Roster((a,), "candidate"), dates)
                out.append(_Candidate(day, shift_id, skill, start, end, paid, rows))
    return out


class _Judge:
    """The cycle model on today's coverage plus added candidates, with a counter and the
    search's budget (simulations and a wall-clock deadline)."""

    def __init__(self, orders_per_day: pd.Series, profile: pd.Series,
                 process_steps: pd.DataFrame, staffed: pd.DataFrame, productivity: float,
                 target_hours: float, budget: int, deadline: float) -> None:
        self.flow = OrderFlow.of(orders_per_day, profile, process_steps, target_hours)
        self.dates = list(self.flow.dates)
        self.productivity = productivity
        self.base = capacity_minutes(staffed, self.dates, productivity)
        self._extra: dict[int, dict[str, np.ndarray]] = {}
        self._summed: tuple[tuple[int, ...], dict[str, np.ndarray]] = ((), self.base)
        self.evaluations = 0
        self.budget, self.deadline = budget, deadline

    def spent(self) -> str | None:
        """Which limit is reached, if any."""
        if self.evaluations >= self.budget:
            return STOP_WORK
        if time.perf_counter() > self.deadline:
            return STOP_TIME
        return None

    def _plus(self, capacity: dict[str, np.ndarray], c: _Candidate) -> dict[str, np.ndarray]:
        """``capacity`` with candidate ``c``'s minutes added (a new dict; arrays not shared
        with ``capacity`` where ``c`` adds to them)."""
        if id(c) not in self._extra:
            self._extra[id(c)] = capacity_minutes(c.rows, self.dates, self.productivity)
        out = dict(capacity)
        n = len(self.dates) * 24
        for skill, minutes in self._extra[id(c)].items():
            out[skill] = out.get(skill, np.zeros(n)) + minutes
        return out

    def capacity(self, added: list[_Candidate]) -> dict[str, np.ndarray]:
        """Today's minutes plus ``added``'s, added in list order. The search tries one more
        candidate on the same list many times: the sum of all but the last is kept, so a
        trial adds one candidate rather than all (the same sums, in the same order)."""
        keys = tuple(map(id, added))
        known, summed = self._summed
        if keys[:-1] == known:
            return self._plus(summed, added[-1]) if added else summed
        if keys == known:
            return summed
        capacity = self.base
        for c in added[:-1]:
            capacity = self._plus(capacity, c)
        self._summed = (keys[:-1], capacity)
        return self._plus(capacity, added[-1]) if added else capacity

    def cycle(self, added: list[_Candidate]) -> CycleTime:
        self.evaluations += 1
        return self.flow.cycle(self.capacity(added))


def score(cycle: CycleTime) -> float:
    """What the search lowers: order-hours waiting in the measured week, an unfinished order
    counting :data:`UNFINISHED_HOURS`."""
    return float(sum(cycle.waiting_order_hours.values())
                 + cycle.unfinished_orders * UNFINISHED_HOURS)


def cycle_floor(orders_per_day: pd.Series, profile: pd.Series, process_steps: pd.DataFrame,
                candidates: list[_Candidate], productivity: float,
                target_hours: float) -> CycleTime:
    """The cycle with :data:`UNLIMITED` persons of every process skill in every hour some
    shift type covers (``candidates``: :func:`_candidates` of the week), every day: what no
    staffing of these shift types can beat."""
    rows = pd.concat([c.rows for c in candidates], ignore_index=True)
    rows = rows.groupby(["date", "hour", "skill"], as_index=False)["staffed"].max()
    rows["staffed"] = np.where(rows["staffed"] > 0, UNLIMITED, 0.0)
    return cycle_time(orders_per_day, profile, process_steps, rows, productivity, target_hours)


def _search(judge: _Judge, candidates: list[_Candidate],
            hire: dict[str, float]) -> tuple[list[_Candidate], CycleTime, str]:
    """Lazy greedy by score removed per unit cost, then drop what is not needed."""
    added: list[_Candidate] = []
    current = judge.cycle(added)
    if current.met:
        return added, current, STOP_ALREADY
    price = [c.paid_hours * hire[c.skill] for c in candidates]
    base = score(current)

    def gain(i: int) -> tuple[float, CycleTime]:
        trial = judge.cycle([*added, candidates[i]])
        return (base - score(trial)) / max(price[i], 1e-9), trial

    def refresh() -> list[tuple[float, int]]:
        heap = []
        for i in range(len(candidates)):
            if judge.spent():
                break
            ratio, _ = gain(i)
            if ratio > 1e-12:
                heap.append((-ratio, i))
        heapq.heapify(heap)
        return heap

    heap = refresh()
    stopped = STOP_NO_GAIN
    fresh = True  # the heap's ratios were all measured on the current roster
    while True:
        limit = judge.spent()
        if limit:
            stopped = limit
            break
        if not heap:
            if fresh:
                break
            heap, fresh = refresh(), True
            continue
        _, i = heapq.heappop(heap)
        ratio, trial = gain(i)
        if ratio <= 1e-12:
            fresh = False
            continue
        if heap and ratio < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-ratio, i))
            continue
        added.append(candidates[i])
        current, base = trial, score(trial)
        if current.met:
            stopped = STOP_MET
            break
        heapq.heappush(heap, (-ratio, i))  # one more of the same may still help
        fresh = False
    if current.met:
        added, current = _drop(judge, hire, added, current)
        added, current = _swap_cheaper(judge, candidates, hire, added, current)
        added, current = _drop(judge, hire, added, current)
    return added, current, stopped


def _drop(judge: _Judge, hire: dict[str, float], added: list[_Candidate],
          current: CycleTime) -> tuple[list[_Candidate], CycleTime]:
    """Remove every added shift the target holds without, the dearest first."""
    for c in sorted(added, key=lambda c: (-c.paid_hours * hire[c.skill], c.day, c.start,
                                          c.skill)):
        if judge.spent():
            break
        rest = list(added)
        rest.remove(c)
        trial = judge.cycle(rest)
        if trial.met:
            added, current = rest, trial
    return added, current


def _swap_cheaper(judge: _Judge, candidates: list[_Candidate], hire: dict[str, float],
                  added: list[_Candidate], current: CycleTime
                  ) -> tuple[list[_Candidate], CycleTime]:
    """Replace each added shift, the dearest first, by the cheapest shift of the same skill
    (any day and shift type) with which the target still holds; again while a pass replaces
    one."""
    def price(c: _Candidate) -> float:
        return c.paid_hours * hire[c.skill]

    swapped = True
    while swapped:
        swapped = False
        for c in sorted(added, key=lambda c: (-price(c), c.day, c.start, c.skill)):
            cheaper = sorted((x for x in candidates if x.skill == c.skill and
                              price(x) < price(c) - 1e-9),
                             key=lambda x: (price(x), x.day, x.start, x.shift_id))
            for x in cheaper:
                if judge.spent():
                    return added, current
                trial_added = list(added)
                trial_added.remove(c)
                trial = judge.cycle([*trial_added, x])
                if trial.met:
                    added, current, swapped = [*trial_added, x], trial, True
                    break
    return added, current


def _runs_ok(work: tuple[Assignment, ...]) -> bool:
    """The warehouse roster's run rules for one employee: at most
    :data:`MAX_CONSECUTIVE_DAYS` working days in a row and :data:`MAX_DAYS_PER_WEEKEND` days
    of one weekend."""
    days = sorted({a.day for a in work})
    run = 1
    for before, after in pairwise(days):
        run = run + 1 if (after - before).days == 1 else 1
        if run > MAX_CONSECUTIVE_DAYS:
            return False
    weekends: dict[tuple[int, int], int] = defaultdict(int)
    for day in days:
        if day.weekday() >= 5:
            weekends[day.isocalendar()[:2]] += 1
    return MAX_DAYS_PER_WEEKEND is None or all(n <= MAX_DAYS_PER_WEEKEND
                                               for n in weekends.values())


def _new_person(skill: str, n: int, rate: float, employees: pd.DataFrame) -> dict[str, object]:
    holders = employees[[skill in tuple(s) for s in employees["skills"]]]
    most = float((holders if len(holders) else employees)["max_hours_week"].astype(float).max())
    return {"employee_id": f"{NEW_PREFIX}{skill}_{n}", "name": f"extra {skill} {n} (what-if)",
            "skills": (skill,), "hourly_cost": rate, "min_hours_week": 0.0,
            "max_hours_week": most, "unavailable": ()}


def _staff(added: list[_Candidate], roster: Roster, employees: pd.DataFrame,
           shifts: pd.DataFrame, dates: list[dt.date],
           hire: dict[str, float]) -> tuple[tuple[AddedShift, ...], pd.DataFrame]:
    """Give each added shift to the cheapest person who may work it: an existing employee
    with the skill and room (at their rate) or an extra person (at the hiring rate)."""
    work: dict[str, list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        work[a.employee_id].append(a)
    checker = RosterChecker.of(employees, shifts, dates)  # its staff: who may take a shift
    new_rows: list[dict[str, object]] = []
    new_ids: set[str] = set()
    out: list[AddedShift] = []

    def fits(employee_id: str, a: Assignment) -> bool:
        trial = Roster((*work[employee_id], a), "trial")
        return not checker.check(trial) and _runs_ok(trial.assignments)

    for c in sorted(added, key=lambda c: (c.day, c.start, c.skill, c.shift_id)):
        options = sorted(((float(e.hourly_cost), eid) for eid, e in checker.staff.items()
                          if c.skill in tuple(e.skills)), key=lambda t: (t[0], t[1]))
        chosen: tuple[str, float, bool] | None = None
        for rate, eid in options:
            if rate > hire[c.skill]:
                break
            if fits(eid, _assignment(c, eid)):
                chosen = (eid, rate, eid not in new_ids)
                break
        if chosen is None:
            n = sum(1 for r in new_rows if r["skills"] == (c.skill,)) + 1
            row = _new_person(c.skill, n, hire[c.skill], employees)
            new_rows.append(row)
            new_ids.add(str(row["employee_id"]))
            checker = checker.with_employees(pd.DataFrame([row]))
            chosen = (str(row["employee_id"]), hire[c.skill], False)
        eid, rate, existing = chosen
        a = _assignment(c, eid)
        work[eid].append(a)
        out.append(AddedShift(a, rate, existing))
    columns = list(employees.columns)
    new = pd.DataFrame(new_rows, columns=columns) if new_rows else employees.iloc[:0]
    return tuple(out), new


def recommend_capacity(orders_per_day: pd.Series, profile: pd.Series,
                       process_steps: pd.DataFrame, roster: Roster, staffed: pd.DataFrame,
                       employees: pd.DataFrame, shifts: pd.DataFrame, productivity: float,
                       target_hours: float, limits: SolveLimits) -> CycleAdvice:
    """The least-cost shifts to add to ``roster`` for the mean cycle to meet ``target_hours``.

    Parameters
    ----------
    orders_per_day, profile, process_steps, productivity, target_hours:
        As for :func:`~salesflow.optimizer.staffing.cycle.cycle_time`.
    roster, staffed:
        Today's roster and its coverage (``date, hour, skill, staffed``) on the week's dates.
    employees, shifts:
        The validated tables (hourly costs, contracts, shift types).
    limits:
        ``time_limit_seconds`` bounds the search (wall clock).
    """
    started = time.perf_counter()
    deadline = started + limits.time_limit_seconds
    dates = sorted(pd.Timestamp(d).date() for d in orders_per_day.index)
    skills = sorted({str(s) for s in process_steps["skill"]})
    hire = hire_rates(employees, skills)
    steps = {skill: tuple(str(s.step) for s in process_steps.itertuples(index=False)
                          if str(s.skill) == skill) for skill in skills}
    budget = max(1, round(limits.time_limit_seconds * EVALUATIONS_PER_SECOND))
    judge = _Judge(orders_per_day, profile, process_steps, staffed, productivity, target_hours,
                   budget, deadline)
    before = judge.cycle([])
    candidates = [] if before.met else _candidates(dates, shifts, skills)
    floor = before if before.met else cycle_floor(orders_per_day, profile, process_steps,
                                                  candidates, productivity, target_hours)
    if before.met or not floor.met:
        no_orders = not float(orders_per_day.sum()) > 0
        stopped = STOP_NO_ORDERS if no_orders else STOP_ALREADY if before.met else STOP_FLOOR
        return CycleAdvice(target_hours, before, before, (), before.met, floor.mean_hours,
                           stopped, hire, employees.iloc[:0], roster, judge.evaluations + 1,
                           time.perf_counter() - started, steps)
    added, after, stopped = _search(judge, candidates, hire)
    shifts_added, new = _staff(added, roster, employees, shifts, dates, hire)
    whatif = Roster(tuple(sorted((*roster.assignments, *(a.assignment for a in shifts_added)),
                                 key=lambda a: (a.day, a.employee_id))),
                    f"{roster.policy} + what-if capacity")
    return CycleAdvice(target_hours, before, after, shifts_added, after.met, floor.mean_hours,
                       stopped, hire, new, whatif, judge.evaluations + 1,
                       time.perf_counter() - started, steps)


def whatif_labour(advice: CycleAdvice, employees: pd.DataFrame) -> float:
    """Labour cost of the what-if roster (today's staff and the extra people)."""
    return labour_cost(advice.roster, pd.concat([employees, advice.new_employees],
                                                ignore_index=True))
