"""``plans diff``: the seven KPIs first, in words; then each plan's own week of purchases per
supplier and SKU (two different weeks compare like for like); then routes and roster; no
internal keys in the human text. On the plans' files alone (no solver)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from salesflow.data.i18n.terms import KPI_TERMS
from salesflow.data.store.plan_diff import diff_plans, same

HEADER = ("supplier_id,sku,supplier_name,sku_name,order_date,arrival_date,packs,quantity,"
          "unit_price,line_cost,primary_reason,reason\n")


def _plan(week_start: str, lines: list[tuple[str, str, str, int]], values: dict[str, float],
          routes: str = "", roster: str = "") -> dict[str, bytes]:
    """A plan's files: lines are (supplier, sku, order date, quantity)."""
    orders = HEADER + "".join(
        f"{s},{k},Name of {s},Name of {k},{day},{day},{q},{q},2.0,{2.0 * q},"
        f"covers_demand_to_next_order,covers\n" for s, k, day, q in lines)
    kpis = {"week_start": week_start, "purchasing": {"lines": len(lines)},
            "targets": [{"kpi": kpi, "value": values.get(kpi)} for kpi in KPI_TERMS]}
    return {"purchase_orders.csv": orders.encode(), "kpis.json": json.dumps(kpis).encode(),
            "routes.csv": (routes or "day,vehicle_id,stop_type,customer_id,leg_km\n").encode(),
            "roster.csv": (roster or "employee_id,date,shift_id,start,end,role\n").encode()}


ROUTES_1 = ("day,vehicle_id,stop_type,customer_id,leg_km\n2026-11-23,V1,depot_start,,0\n"
            "2026-11-23,V1,customer,C1,10.5\n2026-11-23,V1,customer,C2,4.5\n")
ROUTES_2 = ("day,vehicle_id,stop_type,customer_id,leg_km\n2026-11-16,V1,depot_start,,0\n"
            "2026-11-16,V1,customer,C1,12.0\n")
ROSTER = "employee_id,date,shift_id,start,end,role\nE1,2026-11-23,day,08:00,16:00,picker\n"


@pytest.fixture
def two_weeks() -> tuple[dict[str, bytes], dict[str, bytes]]:
    # plan 1: week of Nov 23 (+ an outlook line in December); plan 2: week of Nov 16
    first = _plan("2026-11-23", [("S1", "A", "2026-11-23", 10), ("S1", "B", "2026-11-24", 5),
                                 ("S2", "C", "2026-11-23", 7), ("S1", "A", "2026-12-07", 99)],
                  {"fill_rate": 0.95, "procurement_cost_change": -0.04,
                   "order_cycle_days": 1.5}, ROUTES_1, ROSTER)
    second = _plan("2026-11-16", [("S1", "A", "2026-11-16", 10), ("S1", "B", "2026-11-16", 8),
                                  ("S1", "A", "2026-11-23", 50)],
                   {"fill_rate": 0.97, "procurement_cost_change": -0.06,
                    "order_cycle_days": 1.5}, ROUTES_2)
    return first, second


def test_each_plan_s_own_week_is_compared_per_supplier_and_sku(
        two_weeks: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    diff = diff_plans(*two_weeks)
    rows = {(r["supplier_id"], r["sku"]): r for r in diff["week_purchases"]}
    # A: 10 in each plan's own week (plan 2's later line of week Nov 23 is not its week)
    assert ("S1", "A") not in rows
    assert (rows["S1", "B"]["quantity_before"], rows["S1", "B"]["quantity_after"]) == (5, 8)
    assert rows["S1", "B"]["delta"] == 3 and rows["S1", "B"]["sku_name"] == "Name of B"
    assert (rows["S2", "C"]["quantity_before"], rows["S2", "C"]["quantity_after"]) == (7, 0)
    assert diff["purchase"]  # the line-by-line comparison stays for --json


def test_the_seven_kpis_in_the_manual_s_order(
        two_weeks: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    rows = diff_plans(*two_weeks)["kpi_changes"]
    assert [r["kpi"] for r in rows] == list(KPI_TERMS)
    fill = next(r for r in rows if r["kpi"] == "fill_rate")
    assert fill["changed"] and fill["delta"] == pytest.approx(0.02)
    cycle = next(r for r in rows if r["kpi"] == "order_cycle_days")
    assert not cycle["changed"] and cycle["delta"] == 0


def test_a_plan_with_itself_is_the_same(
        two_weeks: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    first, _ = two_weeks
    assert same(diff_plans(first, first)) and not same(diff_plans(*two_weeks))


def _text(diff: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> str:
    from salesflow.cli.plans_diff_text import print_diff

    print_diff(1, 2, "2026-W48", "2026-W47", diff)
    return capsys.readouterr().out


def test_human_diff_reads_kpis_first_then_purchases_then_routes_and_roster(
        two_weeks: tuple[dict[str, bytes], dict[str, bytes]],
        capsys: pytest.CaptureFixture[str]) -> None:
    text = _text(diff_plans(*two_weeks), capsys)
    fill, purchases = text.index("Fill rate: 95.0 % → 97.0 % (+2.0 %)"), \
        text.index("Purchases of each plan's own week")
    routes, roster = text.index("Routes: vehicle-days 1 → 1, customer stops 2 → 1"), \
        text.index("Roster: shifts 1 → 0")
    assert text.index("Procurement cost change") < fill < purchases < routes < roster
    assert "Order processing cycle: 1.50 days → 1.50 days (no change)" in text
    assert "Name of B (B): 5 → 8 units (+3)" in text and "Name of S2 (S2)" in text
    assert "km 15.0 → 12.0" in text and "hours 8.0 → 0.0" in text
    for key in ("procurement_cost_change", "fill_rate", "supplier_id", "quantity_before",
                "week_purchases", "="):
        assert key not in text  # internal keys stay in --json


def test_human_diff_in_traditional_chinese(
        two_weeks: tuple[dict[str, bytes], dict[str, bytes]],
        capsys: pytest.CaptureFixture[str]) -> None:
    from salesflow.data.i18n import set_language

    set_language("zh-TW")
    text = _text(diff_plans(*two_weeks), capsys)
    assert text.index("需求滿足率：95.0% → 97.0%（+2.0%）") < text.index("各計畫本身計畫週的採購")
    assert "班表：" in text and "配送路線：" in text
    assert "Purchases" not in text and "Routes" not in text
