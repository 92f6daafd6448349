"""The order processing cycle: small flows worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from salesflow.optimizer.staffing.cycle import cycle_time, hour_ranges

MONDAY = dt.date(2026, 1, 5)
WEEK = [MONDAY + dt.timedelta(days=i) for i in range(7)]


def orders(monday: float) -> pd.Series:
    return pd.Series([monday] + [0.0] * 6, index=WEEK)


def profile_at(hour: int) -> pd.Series:
    p = pd.Series(0.0, index=range(24))
    p[hour] = 1.0
    return p


def steps(*rows: tuple[str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["step", "minutes_per_order", "skill"])


def staffed(skill: str, persons: float, hours: range = range(24),
            days: list[dt.date] = WEEK) -> pd.DataFrame:
    return pd.DataFrame([(pd.Timestamp(d), h, skill, persons) for d in days for h in hours],
                        columns=["date", "hour", "skill", "staffed"])


def test_one_step_queue_by_hand() -> None:
    # 2 orders at 08:xx, one person doing 60-minute orders: one done in hour 8, one in hour 9.
    c = cycle_time(orders(2), profile_at(8), steps(("pick", 60, "picker")),
                   staffed("picker", 1), 1.0, 24)
    # First order: floor of one step time (1 h); second: 9 - 8 + 0.5 = 1.5 h.
    assert c.mean_hours == pytest.approx(1.25)
    assert c.p90_hours == pytest.approx(1.5)
    assert c.within_target == pytest.approx(1.0) and c.met
    assert c.bottleneck_step == "pick" and c.bottleneck_skill == "picker"
    assert c.bottleneck_hours == ((MONDAY, 8),)
    assert c.waiting_order_hours == {"pick": pytest.approx(1.0)}


def test_orders_wait_for_the_next_shift() -> None:
    # Orders at 20:xx; pickers only 08:00-16:00: done on Tuesday in hour 8.
    c = cycle_time(orders(1), profile_at(20), steps(("pick", 30, "picker")),
                   staffed("picker", 1, range(8, 16)), 1.0, 24)
    assert c.mean_hours == pytest.approx(24 + 8 - 20 + 0.5)
    assert c.met
    assert hour_ranges(c.bottleneck_hours) == ["2026-01-05 20:00 - 2026-01-06 08:00"]
    assert hour_ranges(((MONDAY, 9), (MONDAY, 10), (MONDAY, 23))) == [
        "2026-01-05 09:00-11:00", "2026-01-05 23:00-24:00"]
    late = cycle_time(orders(1), profile_at(20), steps(("pick", 30, "picker")),
                      staffed("picker", 1, range(8, 16), WEEK[2:]), 1.0, 24)
    assert late.mean_hours == pytest.approx(48 + 8 - 20 + 0.5)
    assert not late.met and late.within_target == 0.0


def test_steps_flow_in_order_and_share_a_skill() -> None:
    # receive 20 min + review 40 min by sales_admin, then pack 60 by packer.
    flow = steps(("receive", 20, "sales_admin"), ("review", 40, "sales_admin"),
                 ("pack", 60, "packer"))
    cap = pd.concat([staffed("sales_admin", 1), staffed("packer", 1)])
    c = cycle_time(orders(1), profile_at(8), flow, cap, 1.0, 24)
    # One order needs 60 admin minutes and 60 packer minutes: both fit in hour 8.
    assert c.mean_hours == pytest.approx(2.0)  # floor: 120 minutes of steps
    assert c.bottleneck_step is None and c.bottleneck_hours == ()
    slow = cycle_time(orders(2), profile_at(8), flow, cap, 0.5, 24)
    # Productivity 0.5: 30 admin minutes an hour; 2 orders need 120 -> 4 hours of admin.
    assert slow.bottleneck_skill == "sales_admin"
    assert slow.mean_hours > 3


def test_missing_capacity_never_finishes() -> None:
    c = cycle_time(orders(3), profile_at(9), steps(("pick", 30, "picker"),
                                                   ("ship", 10, "shipper")),
                   staffed("picker", 2), 1.0, 24)
    assert math.isinf(c.mean_hours) and not c.met
    assert c.unfinished_orders == pytest.approx(3.0)
    assert c.bottleneck_step == "ship"
    assert c.within_target == 0.0
    # The roster's week repeats: last week's orders still wait, so every hour is backlogged.
    assert len(c.bottleneck_hours) == 7 * 24


def test_rejects_bad_productivity() -> None:
    with pytest.raises(ValueError, match="productivity"):
        cycle_time(orders(1), profile_at(8), steps(("pick", 30, "picker")),
                   staffed("picker", 1), 0.0, 24)
