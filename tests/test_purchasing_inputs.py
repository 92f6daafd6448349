"""The data-layer inputs of purchasing: the --demand file, Trigeiro instances, the workbook and
safety stock from forecast quantiles."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesflow.data.dataset.demand_input import demand_from_history, read_demand
from salesflow.data.errors import InvalidInputError
from salesflow.data.instances.lotsizing import read_known_values, read_trigeiro
from salesflow.data.outputs.purchase_workbook import workbook_bytes
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.problem import PurchaseItem, SupplierTerms
from salesflow.optimizer.purchasing.safety_stock import safety_stock_matrix
from salesflow.optimizer.purchasing.solve import solve_purchasing
from salesflow.optimizer.purchasing.trigeiro import check_lotsizing, lotsizing_problem

SKUS = {"A", "B"}


def _write(tmp_path: Path, text: str, name: str = "demand.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_demand_file_read_with_its_horizon(tmp_path: Path) -> None:
    path = _write(tmp_path, "sku,week_start,quantity,p10,p90\nA,2026-11-23,5,2,9\n"
                            "B,2026-12-07,3.5,1,6\n")
    demand = read_demand(path, SKUS)
    assert demand.week_start == dt.date(2026, 11, 23) and demand.weeks == 3
    assert demand.frame["quantity"].tolist() == [5.0, 3.5]
    assert {"p10", "p90"} <= set(demand.frame.columns)


def test_demand_file_errors_name_row_column_and_value(tmp_path: Path) -> None:
    path = _write(tmp_path, "sku,week_start,quantity\nA,2026-11-24,5\nZ,2026-11-23,1\n"
                            "B,2026-11-23,-2\nB,2026-11-23,x\n,2026-11-30,1\nA,23.11.2026,1\n")
    with pytest.raises(InvalidInputError) as caught:
        read_demand(path, SKUS)
    found = {(p.row, p.column, p.value, p.rule) for p in caught.value.problems}
    assert (2, "week_start", "2026-11-24", "must be a Monday (the first day of the week)") \
        in found
    assert (3, "sku", "Z", "unknown SKU (not in the skus table)") in found
    assert (4, "quantity", "-2", "must be >= 0") in found
    assert (5, "quantity", "x", "must be a number") in found
    assert (6, "sku", "", "must not be blank") in found
    assert any(p[0] == 7 and p[1] == "week_start" for p in found)
    assert (5, "week_start", "2026-11-23",
            "SKU B and this week are given more than once") in found
    assert all(p.file == str(path) for p in caught.value.problems)


@pytest.mark.parametrize(("text", "rule"), [
    ("sku,quantity\nA,1\n", r"missing required column week_start \(needs sku, week_start, "
                              r"quantity; found: sku, quantity\)"),
    ("sku,week_start,quantity\n", "has no rows"),
])
def test_demand_file_shape_errors(tmp_path: Path, text: str, rule: str) -> None:
    with pytest.raises(InvalidInputError, match=rule):
        read_demand(_write(tmp_path, text), SKUS)


def test_demand_file_must_exist_and_have_a_known_format(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        read_demand(tmp_path / "nope.csv", SKUS)
    with pytest.raises(InvalidInputError, match="must be a csv, parquet, xlsx file"):
        read_demand(_write(tmp_path, "x", "demand.txt"), SKUS)


def test_demand_from_history_shifts_last_years_weeks() -> None:
    sales = pd.DataFrame({"sku": ["A", "A", "B"],
                          "order_date": pd.to_datetime(["2025-11-24", "2025-11-27",
                                                        "2025-12-03"]),
                          "quantity": [2, 3, 4]})
    demand = demand_from_history(sales, dt.date(2026, 11, 23), 2)
    assert demand.to_dict("records") == [
        {"sku": "A", "week_start": "2026-11-23", "quantity": 5},
        {"sku": "B", "week_start": "2026-11-30", "quantity": 4}]


TRIGEIRO = """2 3
 1
 100
 1.0 1.0 10. 50.
 0.5 2.0 5. 80.
 30 20
 40 0
 10 30
 Bi hi su su
"""


def test_trigeiro_file_is_read_period_major(tmp_path: Path) -> None:
    instance = read_trigeiro(_write(tmp_path, TRIGEIRO, "T1.DAT"))
    assert (instance.items, instance.periods, instance.capacity) == (2, 3, 100.0)
    assert instance.demand.tolist() == [[30, 40, 10], [20, 0, 30]]
    assert instance.setup_cost.tolist() == [50.0, 80.0]


def test_trigeiro_bad_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="needs 18"):
        read_trigeiro(_write(tmp_path, "2 3 1 100 1 1 1 1", "short.DAT"))
    with pytest.raises(InvalidInputError, match="positive whole numbers"):
        read_trigeiro(_write(tmp_path, "2.5 3 1 100", "bad.DAT"))


def _brute_force_clst(instance) -> float:
    """Cheapest CLST cost over every setup pattern (tiny instances only): each setup produces
    the demand up to the next setup, and capacity is checked."""
    import itertools

    best = np.inf
    n, periods = instance.items, instance.periods
    for pattern in itertools.product([0, 1], repeat=n * periods):
        y = np.array(pattern).reshape(n, periods)
        if (y[:, 0] == 0).any():
            continue
        x = np.zeros((n, periods))
        for i in range(n):
            starts = [*np.flatnonzero(y[i]), periods]
            for a, b in itertools.pairwise(starts):
                x[i, a] = instance.demand[i, a:b].sum()
        use = (instance.unit_use[:, None] * x + instance.setup_time[:, None] * (x > 0)).sum(0)
        if (use > instance.capacity + 1e-9).any():
            continue
        stock = np.cumsum(x - instance.demand, axis=1)
        cost = (instance.setup_cost[:, None] * (x > 0)).sum() \
            + (instance.holding[:, None] * stock).sum()
        best = min(best, cost)
    return best


def test_trigeiro_instance_solved_to_its_optimum(tmp_path: Path) -> None:
    instance = read_trigeiro(_write(tmp_path, TRIGEIRO, "T1.DAT"))
    problem = lotsizing_problem(instance)
    plan = solve_purchasing(problem, SolveLimits(time_limit_seconds=20, relative_gap=0.0)).plan
    check = check_lotsizing(instance, plan)
    assert check.feasible, check.problems
    assert check.cost == pytest.approx(_brute_force_clst(instance))


def test_lotsizing_checker_finds_backlog_and_overload(tmp_path: Path) -> None:
    from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan
    from salesflow.optimizer.purchasing.trigeiro import FIRST_MONDAY

    instance = read_trigeiro(_write(tmp_path, TRIGEIRO, "T1.DAT"))
    lines = (PurchaseLine("I01", "S01", FIRST_MONDAY, FIRST_MONDAY, 95, 1.0, ""),
             PurchaseLine("I02", "S02", FIRST_MONDAY, FIRST_MONDAY, 20, 1.0, ""))
    check = check_lotsizing(instance, PurchasePlan(lines, "x"))
    assert not check.feasible
    assert "item 2 short by 30 in period 3" in check.problems
    assert "period 1 uses 120 of capacity 100" in check.problems  # 95 + 10 + 10 + 5


def test_known_values_need_their_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "instance,file\nG1,G/G1.DAT\n", "known.csv")
    with pytest.raises(InvalidInputError, match="missing required column"):
        read_known_values(path)


def test_workbook_neutralizes_formulas_and_keeps_numbers() -> None:
    from openpyxl import load_workbook

    frame = pd.DataFrame({"sku": ["=HYPERLINK(\"x\")", "A"], "line_cost": [1.5, 2.0],
                          "note": [None, "-3"]})
    book = load_workbook(io.BytesIO(workbook_bytes({"Lines": frame})))
    sheet = book["Lines"]
    assert [c.value for c in sheet[1]] == ["SKU", "Line value", "note"]  # headers in words
    assert sheet["A2"].value == "'=HYPERLINK(\"x\")"
    assert sheet["B2"].value == 1.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C3"].value == "-3" and sheet["C2"].value is None
    with pytest.raises(ValueError, match="at least one sheet"):
        workbook_bytes({})


def test_safety_stock_from_quantiles_at_the_service_level() -> None:
    items = tuple(PurchaseItem(s, "S", 1.0, 0.0, 1, 0, 0.2, level, 0.0, ())
                  for s, level in (("A", 0.5), ("B", 0.975)))
    suppliers = {"S": SupplierTerms("S", 14, 0.0, 0.0, ())}  # 2 weeks: sqrt(3) protection
    frame = pd.DataFrame({"sku": ["A", "B"], "week_start": pd.to_datetime(["2026-11-23"] * 2),
                          "quantity": [10.0, 10.0], "p10": [5.0, 5.0], "p90": [15.0, 15.0]})
    matrix = safety_stock_matrix(frame, items, suppliers, pd.Timestamp("2026-11-23"), 2)
    sigma = 10.0 / (2 * 1.2815515655446004)
    assert matrix[0].tolist() == [0.0, 0.0]  # 50 % service: no safety stock
    assert matrix[1, 0] == pytest.approx(1.959963984540054 * sigma * np.sqrt(3))
    assert matrix[1, 1] == 0.0  # no forecast row for week 1
    assert safety_stock_matrix(frame[["sku", "week_start", "quantity"]], items, suppliers,
                               pd.Timestamp("2026-11-23"), 2) is None


def test_a_demand_shorter_than_the_horizon_is_an_error_naming_the_weeks(tiny_dir: Path) -> None:
    from salesflow.data.dataset import load_dataset
    from salesflow.optimizer.purchasing.builder import build_purchase_problem

    dataset = load_dataset(tiny_dir)
    week = dataset.plan_week_start()
    demand = pd.DataFrame({"sku": [dataset.skus["sku"].iloc[0]] * 2,
                           "week_start": [pd.Timestamp(week) + pd.Timedelta(weeks=t)
                                          for t in range(2)],
                           "quantity": [5.0, 6.0]})
    build_purchase_problem(dataset, demand, week, 2)
    with pytest.raises(InvalidInputError) as caught:
        build_purchase_problem(dataset, demand, week, 4)
    rule = caught.value.problems[0].rule
    third, fourth = (week + dt.timedelta(weeks=t) for t in (2, 3))
    assert "covers 2 of the 4 weeks" in rule
    assert third.isoformat() in rule and fourth.isoformat() in rule
