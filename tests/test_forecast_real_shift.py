"""The real-data benchmark's demand-shift diagnostic (benchmarks/forecast_real.py)."""

from __future__ import annotations

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
