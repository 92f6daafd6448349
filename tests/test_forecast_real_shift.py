"""The real-data benchmark's demand-shift diagnostic (benchmarks/forecast_real.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesflow.benchmarks.forecast_real import demand_shift, markdown
from salesflow.benchmarks.forecast_real_data import RealSet


def _long(values: dict[str, list[float]], start: int = 0) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"unique_id": uid, "ds": np.arange(start, start + len(y)),
                                    "y": np.asarray(y, dtype=float)})
                      for uid, y in values.items()], ignore_index=True)


def test_demand_shift_hand_worked() -> None:
    # h = 2: the last 4 training periods of a are 0 2 0 2, of b 1 1 1 1 (total 8 over 8
    # periods, 6 with demand); the test periods 4 4 and 0 2 (total 10 over 4, 3 with demand)
    train = _long({"a": [9, 9, 0, 2, 0, 2], "b": [5, 1, 1, 1, 1]})
    test = pd.concat([_long({"a": [4, 4]}, 6), _long({"b": [0, 2]}, 5)], ignore_index=True)
    shift = demand_shift(RealSet("x", "MS", 1, 2, train, test))
    assert shift["ratio"] == pytest.approx((10 / 4) / (8 / 8))
    assert shift["recent_share"] == pytest.approx(6 / 8)
    assert shift["test_share"] == pytest.approx(3 / 4)


def test_markdown_reports_the_shift() -> None:
    row = {"method": "salesflow", "mase": 1.0, "rmsse": 1.0, "pinball": 0.5, "p10": 0.1,
           "p50": 0.5, "p90": 0.9, "coverage": 0.8, "seconds": 1.0}
    result = {"set": "x", "series": 2, "horizon": 2, "season_length": 1, "freq": "MS",
              "zeros": 0.5, "rows": [row], "classes": {"lumpy": 2}, "models": {"naive": 2},
              "shift": {"ratio": 2.5, "recent_share": 0.75, "test_share": 0.75}}
    text = markdown([result], 2, "cmd")
    assert "Demand per period in the 2 test periods is 2.50 times that of the last 4 " \
           "training periods (periods with demand: 75.0 % then 75.0 %)" in text


def test_retail_daily_units_per_day_from_invoice_lines(tmp_path: Path) -> None:
    """The daily retail set: units per stock code and calendar day (a day without invoices
    is 0), cancellations, returns and free lines left out, a series from its first sale, and
    only codes with enough training days and days of sales."""
    from salesflow.benchmarks.forecast_real_data import (
        MIN_SALE_DAYS,
        MIN_TRAIN_DAYS,
        load_retail_daily,
    )

    days = pd.date_range("2011-01-03", periods=MIN_TRAIN_DAYS + 40, freq="D")
    rows = []
    for i, day in enumerate(days):
        if day.dayofweek == 5:
            continue  # no invoices on Saturdays
        rows.append(("1", "A", 2, f"{day:%Y-%m-%d} 10:00", 1.0))  # every other day
        rows.append(("1", "A", 1, f"{day:%Y-%m-%d} 11:00", 1.0))
        if i >= 10 and i % 3 == 0:
            rows.append(("2", "B", 5, f"{day:%Y-%m-%d} 12:00", 2.0))
        rows.append(("C3", "A", -7, f"{day:%Y-%m-%d} 13:00", 1.0))   # a cancellation
        rows.append(("4", "A", 9, f"{day:%Y-%m-%d} 14:00", 0.0))     # a free line
        if i < MIN_SALE_DAYS:
            rows.append(("5", "RARE", 1, f"{day:%Y-%m-%d} 15:00", 1.0))
    lines = pd.DataFrame(rows, columns=["InvoiceNo", "StockCode", "Quantity", "InvoiceDate",
                                        "UnitPrice"]).assign(Country="United Kingdom")
    folder = tmp_path / "retail-by-day"
    folder.mkdir()
    lines.to_csv(folder / "2011-all.csv", index=False)
    data = load_retail_daily(tmp_path, horizon=14)
    assert (data.name, data.freq, data.season_length, data.horizon) == \
        ("retail_daily", "D", 7, 14)
    assert sorted(data.train["unique_id"].unique()) == ["A", "B"]  # RARE: too few sale days
    a = data.train[data.train["unique_id"] == "A"].set_index("ds")["y"]
    assert a.loc[pd.Timestamp("2011-01-03")] == 3.0      # 2 + 1, not the cancellation
    assert a.loc[pd.Timestamp("2011-01-08")] == 0.0      # a Saturday
    b = data.train[data.train["unique_id"] == "B"]
    first_b = next(d for i, d in enumerate(days) if i >= 10 and i % 3 == 0 and d.dayofweek != 5)
    assert b["ds"].min() == first_b                       # from its first sale
    assert len(data.test) == 2 * 14
