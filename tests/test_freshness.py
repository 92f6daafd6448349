"""Freshness: a week starting too long after the last sale is refused unless --allow-stale,
and then the plan carries the warning (summary, kpis.json, report)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.freshness import StaleDataError, check_freshness
from salesflow.data.store.plan_store import PlanStore


def _last_sale(data: Path) -> dt.date:
    return load_dataset(data).history_end


def _week_after(day: dt.date, weeks: int) -> tuple[str, dt.date]:
    monday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=weeks)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday


def test_the_rule_on_dates(tiny_dir: Path) -> None:
    dataset = load_dataset(tiny_dir)
    last = dataset.history_end
    assert dataset.config.data.max_days_since_last_sale == 7
    _, next_week = _week_after(last, 1)
    assert check_freshness(dataset, next_week).warnings == ()
    late = next_week + dt.timedelta(weeks=1)
    with pytest.raises(StaleDataError) as error:
        check_freshness(dataset, late)
    gap = (late - last).days
    assert gap > 7
    assert f"ends on {last.isoformat()}" in str(error.value)
    assert f"starts on {late.isoformat()}, {gap} days later" in str(error.value)
    assert "[data] max_days_since_last_sale = 7" in str(error.value)
    allowed = check_freshness(dataset, late, allow_stale=True)
    assert len(allowed.warnings) == 1 and allowed.warnings[0].startswith("STALE DATA")
    assert allowed.days_after_last_sale == gap
    # a past week: no error, but stock and open orders are of a later day
    past = next_week - dt.timedelta(weeks=2)
    (warning,) = check_freshness(dataset, past).warnings
    assert "inventory and open_orders have no date" in warning


def test_the_limit_is_configurable(tiny_dir: Path) -> None:
    config = tiny_dir / "config.toml"
    text = config.read_text()
    assert "max_days_since_last_sale = 7" in text  # written by init, with its doc
    config.write_text(text.replace("max_days_since_last_sale = 7", "max_days_since_last_sale = 30"))
    dataset = load_dataset(tiny_dir)
    _, late = _week_after(dataset.history_end, 3)
    assert (late - dataset.history_end).days <= 30
    assert check_freshness(dataset, late).warnings == ()


def test_weekly_two_weeks_past_the_last_sale(tiny_dir: Path, tmp_path: Path,
                                             run_cli: Callable[..., object]) -> None:
    last = _last_sale(tiny_dir)
    week, monday = _week_after(last, 2)
    store = tmp_path / "store"
    refused = run_cli("weekly", "--data", tiny_dir, "--store", store, "--week", week)
    assert refused.exit_code == 2
    assert last.isoformat() in refused.stderr and week in refused.stderr
    assert monday.isoformat() in refused.stderr and "--allow-stale" in refused.stderr
    assert "Traceback" not in refused.output
    assert not PlanStore(store).list_plans()

    done = run_cli("weekly", "--data", tiny_dir, "--store", store, "--week", week,
                   "--allow-stale", "--time-limit", "2", "--json")
    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    (warning,) = payload["kpis"]["warnings"]
    assert last.isoformat() in warning and week in warning
    plan_store = PlanStore(store)
    record = plan_store.get_plan(payload["plan"]["id"])
    assert record.summary["warnings"] == [warning]
    assert json.loads(plan_store.read_file(record.id, "kpis.json"))["warnings"] == [warning]
    report = plan_store.read_file(record.id, "report.html").decode()
    head, _, rest = report.partition("<h2>Warnings</h2>")
    assert rest, "the report has no Warnings section"
    assert "<h2>" not in head  # the first section
    assert "STALE DATA" in rest.split("</section>")[0]
    assert last.isoformat() in rest.split("</section>")[0]


@pytest.mark.parametrize("command", ["purchase", "staff", "routes", "forecast"])
def test_the_other_planning_commands_apply_the_rule(
        command: str, tiny_dir: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    last = _last_sale(tiny_dir)
    week, _ = _week_after(last, 2)
    refused = run_cli(command, "--data", tiny_dir, "--week", week)
    assert refused.exit_code == 2
    assert last.isoformat() in refused.stderr and week in refused.stderr
    assert "max_days_since_last_sale" in refused.stderr


def test_on_the_sample_w48_is_planned_and_w49_refused() -> None:
    from salesflow.data.dataset import sample_data_dir

    sample = load_dataset(sample_data_dir())
    assert sample.history_end == dt.date(2026, 11, 21)  # its last sale: a Saturday
    assert check_freshness(sample, dt.date(2026, 11, 23)).warnings == ()
    with pytest.raises(StaleDataError, match=r"ends on 2026-11-21, but the plan week 2026-W49 "
                                             r"starts on 2026-11-30, 9 days later"):
        check_freshness(sample, dt.date(2026, 11, 30))
