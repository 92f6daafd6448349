"""Items that cost nothing to hold (a zero unit cost or holding rate, as company data has for
free samples) get a finite EOQ lot: a year's demand at most (the EOQ itself is infinite)."""

from __future__ import annotations

import pytest

from salesflow.optimizer.purchasing.baselines import WEEKS_PER_YEAR, eoq_with_breaks
from salesflow.optimizer.purchasing.problem import PurchaseItem


def _item(unit_cost: float, holding_rate: float, breaks: tuple = ()) -> PurchaseItem:
    return PurchaseItem("S1", "SUP", unit_cost, 0.001, 6, 1, holding_rate, 0.95, 0.0, breaks)


@pytest.mark.parametrize(("unit_cost", "holding_rate"), [(0.0, 0.25), (3.5, 0.0)])
def test_free_holding_orders_a_year_of_demand_in_packs(unit_cost: float,
                                                       holding_rate: float) -> None:
    lot = eoq_with_breaks(_item(unit_cost, holding_rate), 10.0, 50.0)
    year = 10.0 * WEEKS_PER_YEAR
    assert lot % 6 == 0 and year <= lot < year + 6


def test_free_holding_with_a_break_stops_below_the_next_break() -> None:
    # Without holding cost the lowest-cost lot is the largest at the break price; the last
    # level is capped at a year's demand.
    lot = eoq_with_breaks(_item(2.0, 0.0, ((120.0, 1.5),)), 10.0, 50.0)
    assert lot >= 120 and lot < 10.0 * WEEKS_PER_YEAR + 6
