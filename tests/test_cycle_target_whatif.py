"""The cycle advice applied as a what-if (issue 14, part 3, done-when): on the bundled sample
the roster the what-if plan stores meets the one-day cycle, re-computed from that roster file
with the coverage and the cycle model alone; ``weekly --meet-targets`` stores it as its own
plan beside the plan on today's staff, labelled what-if in ``plans list``, its summary and
report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset, sample_data_dir
from salesflow.optimizer.context import PlanningContext
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.staffing.check import check_roster
from salesflow.optimizer.staffing.coverage import coverage
from salesflow.optimizer.staffing.cycle import cycle_time
from salesflow.optimizer.staffing.requirements import empty_requirements, intraday_profile
from salesflow.optimizer.staffing.roster import Assignment, Roster
from salesflow.optimizer.weekly import WHAT_IF_LABEL, meet_targets_plan, run_weekly

# Work budgets far inside a generous wall clock: the roster and the advice end on their
# budgets or on a proof, not on the machine's load.
LIMITS = SolveLimits(120.0, 2, 0, work_limit=3.0)


def _minutes(text: str, day: dt.date) -> int:
    if "T" in text:  # a shift crossing midnight: ISO date-times
        when = dt.datetime.fromisoformat(text)
        return int((when - dt.datetime.combine(day, dt.time())).total_seconds() // 60)
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _roster_from_csv(frame: pd.DataFrame, shifts: pd.DataFrame) -> Roster:
    """The roster file read back: times from its start/end columns, paid hours from the
    shifts table (length minus break) or, for a shift type it lacks, from the times."""
    breaks = dict(zip(shifts["shift_id"].astype(str), shifts["break_minutes"].astype(float),
                      strict=True))
    out = []
    for r in frame.itertuples(index=False):
        day = dt.date.fromisoformat(str(r.date))
        start, end = _minutes(str(r.start), day), _minutes(str(r.end), day)
        out.append(Assignment(str(r.employee_id), day, str(r.shift_id), start, end,
                              (end - start - breaks[str(r.shift_id)]) / 60, str(r.role)))
    return Roster(tuple(out), "read back")


@pytest.fixture(scope="module")
def sample_plans():
    dataset = load_dataset(sample_data_dir())
    context = PlanningContext.build(dataset, None, limits=LIMITS)
    plan = run_weekly(dataset, context)
    return dataset, context, plan, meet_targets_plan(dataset, context, plan)


def test_the_sample_misses_the_one_day_cycle_on_todays_staff(sample_plans) -> None:
    dataset, _context, plan, _whatif = sample_plans
    assert dataset.config.targets.order_cycle_days == 1.0
    assert not plan.staffing.cycle.met
    advice = plan.kpis["staffing"]["cycle_target"]
    assert advice["met"] and advice["added_hours"] > 0
    assert advice["sentence"].startswith(f"1 day needs +{advice['added_hours']:g} h a week")


def test_whatif_roster_meets_the_one_day_cycle_recomputed_from_its_file(sample_plans) -> None:
    dataset, context, plan, whatif = sample_plans
    assert whatif is not None
    roster = _roster_from_csv(whatif.output_tables()["roster"], dataset["shifts"])
    days = set(context.days)
    cov = coverage(roster, empty_requirements())
    cov = cov[cov["date"].dt.date.isin(days)]
    config = dataset.config.staffing
    cycle = cycle_time(plan.forecast.orders_per_day,
                       intraday_profile(context.history, config.order_hours),
                       dataset["process_steps"], cov, config.productivity, 24.0)
    assert cycle.mean_hours <= 24.0
    today = _roster_from_csv(plan.output_tables()["roster"], dataset["shifts"])
    assert set(today.assignments) < set(roster.assignments)  # today's roster, plus shifts
    # Every rule holds for today's staff and the extra people alike.
    extra = whatif.staffing.what_if.new_employees
    people = pd.concat([dataset["employees"], extra], ignore_index=True)
    assert check_roster(roster, people, dataset["shifts"], sorted(days)) == []


def test_whatif_kpis_are_the_plans_but_for_staffing(sample_plans) -> None:
    _dataset, _context, plan, whatif = sample_plans
    assert whatif.kpis["what_if"]["label"] == WHAT_IF_LABEL
    assert whatif.kpis["purchasing"] == plan.kpis["purchasing"]
    assert whatif.kpis["routing"] == plan.kpis["routing"]
    cycle = {t["kpi"]: t for t in whatif.kpis["targets"]}["order_cycle_days"]
    assert cycle["met"] is True and cycle["value"] <= 1.0
    added = whatif.kpis["what_if"]["added_cost"]
    assert whatif.kpis["staffing"]["labour_cost"] == pytest.approx(
        plan.kpis["staffing"]["labour_cost"] + added, abs=0.02)


def test_meet_targets_stores_two_plans_the_whatif_labelled(
        tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    store = tmp_path / "store"
    result = run_cli("weekly", "--data", tiny_dir, "--store", store, "--meet-targets",
                     "--time-limit", "20", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    advice = out["kpis"]["staffing"]["cycle_target"]
    listing = json.loads(run_cli("plans", "list", "--store", store, "--json").stdout)["plans"]
    if not advice["shifts"]:  # nothing to add: one plan, and the summary says why
        assert out["what_if"] is None and len(listing) == 1
        return
    whatif = out["what_if"]
    assert [p["id"] for p in listing] == [out["plan"]["id"], whatif["plan"]["id"]]
    assert "what_if" not in listing[0]["summary"]
    assert listing[1]["summary"]["what_if"] == WHAT_IF_LABEL
    human = run_cli("plans", "list", "--store", store).stdout
    assert human.count(f"[{WHAT_IF_LABEL}]") == 1
    folder = Path(whatif["folder"])
    kpis = json.loads((folder / "kpis.json").read_text())
    assert kpis["what_if"]["sentence"] == advice["sentence"]
    report = (folder / "report.html").read_text()
    assert WHAT_IF_LABEL in report and "What the order-cycle target needs" in report
    roster = pd.read_csv(folder / "roster.csv")
    assert len(roster) == len(pd.read_csv(Path(out["folder"]) / "roster.csv")) + len(
        advice["shifts"])
    shown = run_cli("plans", "show", str(whatif["plan"]["id"]), "--store", store).stdout
    assert f"WHAT-IF     {WHAT_IF_LABEL}" in shown
