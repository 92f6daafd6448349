"""Erlang C against published values and the benchmark's reference table; the service desk."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.staffing.erlang import (
    agents_needed,
    average_speed_of_answer,
    erlang_b,
    p_wait,
    queue_figures,
    service_level,
    traffic_erlangs,
)
from salesflow.optimizer.staffing.service_desk import (
    ServiceDesk,
    desk_requirements,
    service_desk_plan,
)

BENCH = Path(__file__).resolve().parents[2] / "shared/benchmarks/staffing"
REFERENCE = BENCH / "erlang_c_reference.csv"


def test_published_cran_erlangc_example() -> None:
    # CRAN ErlangC README: 100 calls / 30 min, AHT 180 s, 14 agents, 20 s target.
    q = queue_figures(14, 100, 1800, 180, 20)
    assert q.traffic == pytest.approx(10.0)
    assert q.p_wait == pytest.approx(0.1741319, abs=5e-8)
    assert q.service_level == pytest.approx(0.88835, abs=5e-6)
    assert q.asa_seconds == pytest.approx(7.835937, abs=5e-7)
    assert q.occupancy == pytest.approx(0.7142857, abs=5e-8)
    assert p_wait(11, 10.0) == pytest.approx(0.6821182, abs=5e-8)
    assert service_level(11, 10.0, 180, 20) == pytest.approx(0.3896138, abs=5e-8)
    assert agents_needed(10.0, 180, 20, 0.8) == 14


def test_published_erlang_vignette_agents() -> None:
    # R package Erlang vignette: 20 Erlang needs 23 agents for 80 % in 60 s.
    assert agents_needed(traffic_erlangs(200, 1800, 180), 180, 60, 0.8) == 23


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared benchmark data not present")
def test_every_row_of_the_reference_table() -> None:
    table = pd.read_csv(REFERENCE)
    assert len(table) >= 6
    for row in table.itertuples(index=False):
        q = queue_figures(int(row.agents), row.calls, row.interval_s, row.aht_s,
                          row.target_answer_s)
        assert q.traffic == pytest.approx(row.traffic_erlangs, rel=1e-12), row.case
        assert q.p_wait == pytest.approx(row.p_wait, abs=5e-7), row.case
        assert q.service_level == pytest.approx(row.service_level, abs=5e-7), row.case
        assert q.occupancy == pytest.approx(row.occupancy, abs=5e-7), row.case
        if not math.isnan(row.asa_s):
            assert q.asa_seconds == pytest.approx(row.asa_s, abs=5e-6), row.case
        needed = agents_needed(q.traffic, row.aht_s, row.target_answer_s, 0.8)
        assert service_level(needed, q.traffic, row.aht_s, row.target_answer_s) >= 0.8
        assert service_level(needed - 1, q.traffic, row.aht_s, row.target_answer_s) < 0.8


def test_overloaded_queue_and_no_traffic() -> None:
    assert p_wait(5, 5.0) == 1.0
    assert service_level(4, 5.0, 180, 20) == 0.0
    assert average_speed_of_answer(5, 5.0, 180) == math.inf
    assert p_wait(3, 0.0) == 0.0 and agents_needed(0.0, 180, 20, 0.8) == 0
    with pytest.raises(ValueError, match="target_level"):
        agents_needed(1.0, 180, 20, 1.0)
    with pytest.raises(ValueError, match="calls"):
        traffic_erlangs(-1, 1800, 180)


def test_erlang_b_recursion_by_hand() -> None:
    # B(1, A) = A / (1 + A); B(2, A) = A^2/2 / (1 + A + A^2/2)
    assert erlang_b(1, 2.0) == pytest.approx(2 / 3)
    assert erlang_b(2, 2.0) == pytest.approx(2 / 5)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.05, 300.0), st.floats(30, 900), st.floats(0, 120), st.floats(0.5, 0.99))
def test_agents_needed_is_the_least_sufficient(traffic, handle, answer, level) -> None:
    c = agents_needed(traffic, handle, answer, level)
    assert c > traffic
    assert service_level(c, traffic, handle, answer) >= level
    assert c - 1 <= traffic or service_level(c - 1, traffic, handle, answer) < level
    # More agents never serve worse.
    assert service_level(c + 1, traffic, handle, answer) >= service_level(c, traffic, handle,
                                                                           answer) - 1e-12


def test_service_desk_plan_by_hand() -> None:
    orders = pd.Series([400.0], index=[pd.Timestamp("2026-01-05").date()])
    profile = pd.Series(0.0, index=range(24))
    profile[9], profile[10] = 0.5, 0.5
    desk = ServiceDesk(contacts_per_order=0.5, handle_seconds=180, target_level=0.8,
                       answer_seconds=20)
    plan = service_desk_plan(orders, profile, desk)
    # 400 * 0.5 * 0.5 = 100 contacts an hour, 180 s each: 5 Erlang.
    assert plan["hour"].tolist() == [9, 10]
    assert plan["contacts"].tolist() == pytest.approx([100.0, 100.0])
    assert plan["traffic_erlangs"].tolist() == pytest.approx([5.0, 5.0])
    expected = agents_needed(5.0, 180, 20, 0.8)
    assert plan["agents"].tolist() == [expected, expected]
    assert (plan["service_level"] >= 0.8).all()
    req = desk_requirements(plan, desk)
    assert req.columns.tolist() == ["date", "hour", "skill", "required"]
    assert set(req["skill"]) == {"customer_service"}
    assert req["required"].tolist() == [float(expected)] * 2
