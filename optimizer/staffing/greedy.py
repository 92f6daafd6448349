"""A greedy roster obeying the rules of the warehouse roster, used as CP-SAT's hint.

Lazy greedy on marginal value: every (employee, day, shift, role) is a candidate worth the
coverage penalty it removes minus its labour cost and the over-staffing it adds. The best
candidate whose value is still current and that breaks no rule is taken, until none is worth
taking; then employees below a weekly minimum get the least costly shifts that fit. Marginal
values only fall as staffing grows, so a stale heap entry is an upper bound (lazy evaluation).

The rules checked here are the warehouse roster's: skills, days off, one shift a day, rotation
bans (any lag), work-time maxima and minima, max consecutive days, max days per weekend. Other
rules of :class:`~salesflow.optimizer.staffing.problem.RosterProblem` (shift-type maxima,
minimum runs, max weekends) are checked too, but the greedy makes no effort to satisfy minimum
runs: its roster is a hint, and the checker decides.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from salesflow.optimizer.staffing.objective import cover_links
from salesflow.optimizer.staffing.problem import RosterProblem, Shift

POLICY = "greedy"
"""The policy name of a roster that is the greedy one."""


class _State:
    def __init__(self, problem: RosterProblem) -> None:
        self.p = problem
        self.required = [d.required for d in problem.demands]
        self.staffed = [0] * len(problem.demands)
        index = {(d.day, d.slot, d.skill): i for i, d in enumerate(problem.demands)}
        self.cells: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
        for (day, slot), links in cover_links(problem).items():
            for d, s, units in links:
                for skill in problem.roles:
                    i = index.get((day, slot, skill))
                    if i is not None:
                        self.cells[d, s, skill].append((i, units))
        self.plan: list[dict[int, int]] = [{} for _ in problem.staff]
        self.role: dict[tuple[int, int], str] = {}
        self.bans = defaultdict(set)
        for b in problem.rotation_bans:
            self.bans[b.lag].add((problem.shift_index(b.first), problem.shift_index(b.second)))
        self.weekend_of = {d: w for w, days in enumerate(problem.weekends()) for d in days}

    def value(self, e: int, d: int, s: int, r: str) -> float:
        member = self.p.staff[e]
        total = -member.cost_per_paid_minute * self.p.shift_types[s].paid_minutes
        for i, units in self.cells.get((d, s, r), ()):
            need = self.p.demands[i]
            gap = max(0, self.required[i] - self.staffed[i])
            covered = min(units, gap)
            total += covered * need.under_weight - (units - covered) * need.over_weight
        return total

    def minutes(self, e: int, first: int, last: int) -> int:
        return sum(self.p.shift_types[s].paid_minutes for d, s in self.plan[e].items()
                   if first <= d < last)

    def fits(self, e: int, d: int, s: int, r: str) -> bool:
        member, plan = self.p.staff[e], self.plan[e]
        if d in plan or d in member.days_off or r not in member.skills:
            return False
        for lag, pairs in self.bans.items():
            if (d - lag in plan and (plan[d - lag], s) in pairs) or \
                    (d + lag in plan and (s, plan[d + lag]) in pairs):
                return False
        paid = self.p.shift_types[s].paid_minutes
        for limit in member.work_limits:
            if limit.first_day <= d < limit.last_day and \
                    self.minutes(e, limit.first_day, limit.last_day) + paid > limit.max_minutes:
                return False
        shift_id = self.p.shift_types[s].shift_id
        for limited, most in member.max_shifts:
            if limited == shift_id and sum(x == s for x in plan.values()) >= most:
                return False
        if member.max_consecutive_shifts is not None:
            run = 1
            k = d - 1
            while k in plan:
                run, k = run + 1, k - 1
            k = d + 1
            while k in plan:
                run, k = run + 1, k + 1
            if run > member.max_consecutive_shifts:
                return False
        w = self.weekend_of.get(d)
        if w is not None:
            days = self.p.weekends()[w]
            worked = sum(x in plan for x in days)
            if member.max_days_per_weekend is not None and worked >= member.max_days_per_weekend:
                return False
            if member.max_weekends is not None and worked == 0:
                weekends = sum(any(x in plan for x in ds) for ds in self.p.weekends())
                if weekends >= member.max_weekends:
                    return False
        return True

    def drop(self, e: int, d: int) -> None:
        s = self.plan[e].pop(d)
        r = self.role.pop((e, d))
        for i, units in self.cells.get((d, s, r), ()):
            self.staffed[i] -= units

    def take(self, e: int, d: int, s: int, r: str) -> None:
        self.plan[e][d] = s
        self.role[e, d] = r
        for i, units in self.cells.get((d, s, r), ()):
            self.staffed[i] += units



def _candidates(problem: RosterProblem) -> list[tuple[int, int, int, str]]:
    return [(e, d, s, r) for e, member in enumerate(problem.staff) for d in range(problem.n_days)
            if d not in member.days_off for s in range(len(problem.shift_types))
            for r in member.skills]


def greedy_roster(problem: RosterProblem) -> tuple[Shift, ...]:
    """A rule-abiding roster built greedily (see the module docstring); deterministic."""
    state = _State(problem)
    heap = [(-state.value(*c), c) for c in _candidates(problem)]
    heapq.heapify(heap)
    while heap:
        neg, cand = heapq.heappop(heap)
        if -neg <= 0:
            break
        if not state.fits(*cand):
            continue
        current = state.value(*cand)
        if heap and current < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-current, cand))
            continue
        if current > 0:
            state.take(*cand)
    _fill_minimums(problem, state)
    return tuple(sorted((Shift(e, d, s, state.role[e, d]) for e in range(len(problem.staff))
                         for d, s in state.plan[e].items()),
                        key=lambda a: (a.day, a.employee, a.shift, a.role)))


def _fill_minimums(problem: RosterProblem, state: _State) -> None:
    """Give employees below a work limit's minimum their most valuable fitting shifts, or
    swap a shift for a longer one where no day is free."""
    for e, member in enumerate(problem.staff):
        for limit in member.work_limits:
            days = range(max(0, limit.first_day), min(problem.n_days, limit.last_day))
            while state.minutes(e, limit.first_day, limit.last_day) < limit.min_minutes:
                best = _best_move(problem, state, e, days)
                if best is None:
                    break
                _, d, s, r = best
                if d in state.plan[e]:
                    state.drop(e, d)
                state.take(e, d, s, r)


def _best_move(problem: RosterProblem, state: _State, e: int,
               days: range) -> tuple[float, int, int, str] | None:
    """The most valuable (value, day, shift, role) that adds paid minutes for ``e``: a shift on
    a free day, or a longer shift instead of one already worked."""
    member = problem.staff[e]
    types = problem.shift_types
    best: tuple[float, int, int, str] | None = None
    for d in days:
        old = state.plan[e].get(d)
        if old is not None:
            old_role = state.role[e, d]
            state.drop(e, d)
            base = state.value(e, d, old, old_role)
        else:
            base = 0.0
        for s in range(len(types)):
            if old is not None and types[s].paid_minutes <= types[old].paid_minutes:
                continue
            for r in member.skills:
                if state.fits(e, d, s, r):
                    move = (state.value(e, d, s, r) - base, d, s, r)
                    if best is None or move[0] > best[0]:
                        best = move
        if old is not None:
            state.take(e, d, old, old_role)
    return best
