"""Large neighbourhood search of the roster model: neighbourhoods over disjoint groups of
employees merged into one roster, and the complete hint that starts CP-SAT from a roster."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from salesflow.data.instances.curtois import (
    CurtoisCover,
    CurtoisInstance,
    CurtoisRequest,
    CurtoisShift,
    CurtoisStaff,
)
from salesflow.optimizer.staffing.curtois_check import check_curtois
from salesflow.optimizer.staffing.curtois_problem import curtois_problem, schedule_of
from salesflow.optimizer.staffing.lns import complete_hint, improve
from salesflow.optimizer.staffing.problem import Shift
from salesflow.optimizer.staffing.solve import _shifts, build_model

N_DAYS = 14


def _instance() -> CurtoisInstance:
    """Eight nurses, two weeks, two shifts (late may not be followed by early), runs of 2-5
    working days, weekends limited, a few requests, cover of 2-3 per shift and day."""
    shifts = (CurtoisShift("E", 480, ()), CurtoisShift("L", 480, ("E",)))
    names = "ABCDEFGH"
    staff = tuple(CurtoisStaff(name, (("E", N_DAYS), ("L", 6)), 480 * 10, 480 * 6, 5, 2, 2, 1)
                  for name in names)
    days_off = tuple((name, (k % N_DAYS, (k + 5) % N_DAYS)) for k, name in enumerate(names))
    on = tuple(CurtoisRequest(name, (3 * k) % N_DAYS, "E", 1 + k % 3)
               for k, name in enumerate(names))
    off = tuple(CurtoisRequest(name, (3 * k + 1) % N_DAYS, "L", 2) for k, name in
                enumerate(names))
    cover = tuple(CurtoisCover(d, s, 2 + (d + (s == "L")) % 2, 100, 1)
                  for d in range(N_DAYS) for s in ("E", "L"))
    return CurtoisInstance("eight", N_DAYS, shifts, staff, days_off, on, off, cover)


def _first_roster(built) -> tuple[tuple[Shift, ...], int]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.stop_after_first_solution = True
    solver.parameters.max_time_in_seconds = 60.0
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return _shifts(solver, built.vars), round(solver.objective_value)


def _verdict(inst: CurtoisInstance, problem, shifts: tuple[Shift, ...]):
    schedule = schedule_of(problem, shifts)
    return check_curtois(inst, [(e, d, s) for e, plan in schedule.items()
                                for d, s in plan.items()])


def test_merged_neighbourhoods_keep_every_rule_and_cost_their_objective() -> None:
    # Two workers draw neighbourhoods over disjoint groups of the eight nurses each round and
    # merge their improvements; the roster must stay feasible under the independent checker,
    # its objective must be the checker's, and it never gets worse.
    inst = _instance()
    problem = curtois_problem(inst)
    built = build_model(problem)
    start, start_objective = _first_roster(built)
    assert _verdict(inst, problem, start).objective == start_objective
    outcome = improve(built.model, built.vars, problem, start, start_objective, seed=1,
                      workers=2, dtime_budget=0.4, deadline=time.perf_counter() + 600)
    verdict = _verdict(inst, problem, outcome.shifts)
    assert verdict.feasible, verdict.violations
    assert verdict.objective == outcome.objective <= start_objective
    assert outcome.rounds >= 1


def test_same_seed_same_neighbourhood_search() -> None:
    inst = _instance()
    problem = curtois_problem(inst)
    built = build_model(problem)
    start, start_objective = _first_roster(built)
    runs = [improve(built.model, built.vars, problem, start, start_objective, seed=4,
                    workers=2, dtime_budget=0.2, deadline=time.perf_counter() + 600)
            for _ in range(2)]
    assert runs[0].shifts == runs[1].shifts and runs[0].objective == runs[1].objective


def test_complete_hint_is_the_roster_with_its_exact_cost() -> None:
    inst = _instance()
    problem = curtois_problem(inst)
    built = build_model(problem)
    start, _ = _first_roster(built)
    full = complete_hint(built.model, built.vars, start, 10.0)
    assert full is not None
    assert set(full) == set(range(len(built.model.proto.variables)))
    # The hint alone, with every variable fixed to it, is a solution costing what the
    # independent checker says the roster costs.
    model = cp_model.CpModel()
    model.proto.copy_from(built.model.proto)
    for index, value in full.items():
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30.0
    assert solver.solve(model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == _verdict(inst, problem, start).objective


def test_complete_hint_refuses_a_roster_that_breaks_a_rule() -> None:
    inst = _instance()
    problem = curtois_problem(inst)
    built = build_model(problem)
    # Nurse A (index 0) is off on day 0.
    broken = (Shift(0, 0, 0, problem.staff[0].skills[0]),)
    assert complete_hint(built.model, built.vars, broken, 10.0) is None
