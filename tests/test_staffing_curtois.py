"""The Curtois & Qu benchmark: reader, independent checker, and the roster model's optimum
against brute force on small random instances (same rules, same objective)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.data.errors import InvalidInputError
from salesflow.data.instances.curtois import (
    CurtoisCover,
    CurtoisInstance,
    CurtoisRequest,
    CurtoisShift,
    CurtoisStaff,
    parse_curtois,
    read_best_known,
    read_curtois,
)
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.curtois_check import check_curtois
from salesflow.optimizer.staffing.curtois_problem import curtois_problem, schedule_of
from salesflow.optimizer.staffing.solve import OPTIMAL, solve_roster

BENCH = Path(__file__).resolve().parents[2] / "shared/benchmarks/staffing"

SMALL = """\
# comment
SECTION_HORIZON
7

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
E,480,
L,480,E

SECTION_STAFF
A,E=7|L=2,2400,960,3,2,2,1
B,E=7|L=7,2400,0,4,1,1,1

SECTION_DAYS_OFF
A,3
B,5,6

SECTION_SHIFT_ON_REQUESTS
A,0,E,2

SECTION_SHIFT_OFF_REQUESTS
B,1,L,3

SECTION_COVER
0,E,1,100,1
1,L,1,100,1
2,E,2,100,1
4,L,1,100,1
6,E,1,100,1
"""


def assignments(inst: CurtoisInstance, schedule: dict[str, dict[int, str]]):
    return [(e, d, s) for e, plan in schedule.items() for d, s in plan.items()]


def test_reader_parses_every_section() -> None:
    inst = parse_curtois(SMALL.replace("\n", "\r\n"), "small", "small.txt")
    assert inst.n_days == 7
    assert inst.shifts == (CurtoisShift("E", 480, ()), CurtoisShift("L", 480, ("E",)))
    assert inst.staff[0] == CurtoisStaff("A", (("E", 7), ("L", 2)), 2400, 960, 3, 2, 2, 1)
    assert inst.days_off == (("A", (3,)), ("B", (5, 6)))
    assert inst.on_requests == (CurtoisRequest("A", 0, "E", 2),)
    assert inst.off_requests == (CurtoisRequest("B", 1, "L", 3),)
    assert inst.cover[2] == CurtoisCover(2, "E", 2, 100, 1)


def test_reader_reports_bad_rows_with_line_numbers() -> None:
    bad = SMALL.replace("A,E=7|L=2,2400,960,3,2,2,1", "A,E=7|L=x,2400,960,3,2,2,1")
    bad = bad.replace("1,L,1,100,1", "1,Q,1,100,1")
    with pytest.raises(InvalidInputError) as err:
        parse_curtois(bad, "small", "small.txt")
    text = str(err.value)
    assert "small.txt, row 11, column MaxShifts: value 'x': must be an integer" in text
    assert "1,Q" in text and "known shift" in text
    with pytest.raises(InvalidInputError, match="SECTION_COVER"):
        parse_curtois(SMALL.split("SECTION_COVER")[0], "small", "small.txt")
    with pytest.raises(InvalidInputError, match="cannot read"):
        read_curtois(Path("/nonexistent/Instance99.txt"))


def test_checker_finds_each_hard_rule() -> None:
    inst = parse_curtois(SMALL, "small", "small.txt")
    cases = {
        "more than 2": {"A": {0: "L", 2: "L", 3: "L"}},
        "outside [960, 2400]": {"A": {0: "E"}},
        "a day off": {"A": {2: "E", 3: "E"}},
        "may not follow": {"A": {0: "L", 1: "E"}},
        "more than 4": {"B": dict.fromkeys(range(5), "E")},
        "fewer than 2": {"A": {0: "E", 1: "E", 4: "E"}},
        "days off in a row": {"A": {0: "E", 1: "E", 3: "E"}},
    }
    for needle, schedule in cases.items():
        verdict = check_curtois(inst, assignments(inst, schedule))
        assert any(needle in v for v in verdict.violations), (needle, verdict.violations)
    no_weekend = parse_curtois(SMALL.replace("2400,960,3,2,2,1", "2400,960,3,2,2,0"), "s", "s")
    verdict = check_curtois(no_weekend, [("A", 4, "E"), ("A", 5, "E"), ("A", 6, "E")])
    assert any("weekends" in v for v in verdict.violations), verdict.violations
    ok = check_curtois(inst, assignments(inst, {"A": {0: "E", 1: "E"}}))
    assert ok.feasible, ok.violations


def test_checker_objective_by_hand() -> None:
    inst = parse_curtois(SMALL, "small", "small.txt")
    verdict = check_curtois(inst, [("A", 0, "E"), ("A", 1, "E"), ("B", 1, "L")])
    # B's off-request for L on day 1 is violated (3); A's on-request is granted.
    # Cover: day 0 E ok, day 1 L ok, day 2 E 2 missing (200), day 4 L 1 missing (100),
    # day 6 E 1 missing (100); A on day 1 works E with no cover entry: no penalty.
    assert verdict.request_penalty == 3
    assert verdict.cover_penalty == 400
    assert verdict.objective == 403


def _brute_force(inst: CurtoisInstance) -> int:
    options = [None, *(s.shift_id for s in inst.shifts)]
    best = None
    for plans in itertools.product(itertools.product(options, repeat=inst.n_days),
                                   repeat=len(inst.staff)):
        work = [(m.employee_id, d, s) for m, plan in zip(inst.staff, plans, strict=True)
                for d, s in enumerate(plan) if s is not None]
        verdict = check_curtois(inst, work)
        if verdict.feasible and (best is None or verdict.objective < best):
            best = verdict.objective
    return best


@st.composite
def _instances(draw) -> CurtoisInstance:
    n_days = draw(st.integers(3, 4))
    shifts = (CurtoisShift("E", 480, ()), CurtoisShift("L", 420, draw(
        st.sampled_from([(), ("E",)]))))
    staff = tuple(
        CurtoisStaff(name, (("E", draw(st.integers(0, n_days))), ("L", draw(st.integers(0, 2)))),
                     480 * draw(st.integers(1, n_days)), 420 * draw(st.integers(0, 2)),
                     draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3)),
                     draw(st.integers(0, 1)))
        for name in ("A", "B"))
    days_off = tuple((m.employee_id, tuple(draw(st.sets(st.integers(0, n_days - 1),
                                                         max_size=1))))
                     for m in staff)
    req = st.tuples(st.sampled_from(["A", "B"]), st.integers(0, n_days - 1),
                    st.sampled_from(["E", "L"]), st.integers(1, 3))
    on = tuple(CurtoisRequest(*r) for r in draw(st.lists(req, max_size=3)))
    off = tuple(CurtoisRequest(*r) for r in draw(st.lists(req, max_size=3)))
    cover = tuple(CurtoisCover(d, s, draw(st.integers(0, 2)), draw(st.integers(1, 100)),
                               draw(st.integers(0, 5)))
                  for d in range(n_days) for s in ("E", "L"))
    return CurtoisInstance("random", n_days, shifts, staff, days_off, on, off, cover)


@settings(max_examples=12, deadline=None)
@given(_instances())
def test_model_optimum_equals_brute_force(inst: CurtoisInstance) -> None:
    problem = curtois_problem(inst)
    solution = solve_roster(problem, SolveLimits(120.0, 1, 0))
    best = _brute_force(inst)
    if best is None:
        assert solution.status == "infeasible"
        assert solution.conflicts
        return
    assert solution.status == OPTIMAL
    schedule = schedule_of(problem, solution.shifts)
    verdict = check_curtois(inst, assignments(inst, schedule))
    assert verdict.feasible, verdict.violations
    assert verdict.objective == best == round(solution.objective)


@pytest.mark.skipif(not (BENCH / "curtois/Instance1.txt").is_file(),
                    reason="shared benchmark data not present")
def test_instance1_reaches_its_proven_optimum() -> None:
    inst = read_curtois(BENCH / "curtois/Instance1.txt")
    assert read_best_known(BENCH / "README.md")["Instance1"] == 607
    problem = curtois_problem(inst)
    solution = solve_roster(problem, SolveLimits(120.0, 2, 0))
    verdict = check_curtois(inst, assignments(inst, schedule_of(problem, solution.shifts)))
    assert verdict.feasible, verdict.violations
    assert verdict.objective == 607 == round(solution.objective)
