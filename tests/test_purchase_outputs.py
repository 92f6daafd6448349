"""One primary reason per purchase line, and "safety stock" only where removing the safety
stock would change the quantity: the counterfactual recomputed here from the problem and the
lines alone (plain loops, no code of the product's counterfactual)."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from salesflow.optimizer.purchasing.plan import PurchaseLine
from salesflow.optimizer.purchasing.problem import PurchaseItem, PurchaseProblem
from salesflow.optimizer.purchasing.reasons import PRIMARY_REASONS


def _stock(problem: PurchaseProblem, lines: list[PurchaseLine]) -> dict[str, list[float]]:
    """End-of-week stock per SKU: on hand + open orders + the lines' arrivals − demand."""
    out = {}
    for i, item in enumerate(problem.items):
        arrivals = [float(problem.open_arrivals[i, t]) for t in range(problem.weeks)]
        for line in lines:
            if line.sku == item.sku:
                week = (line.arrival_date - problem.week_start).days // 7
                if week < problem.weeks:
                    arrivals[max(week, 0)] += line.quantity
        level, series = float(item.on_hand), []
        for t in range(problem.weeks):
            level += arrivals[t] - float(problem.demand[i, t])
            series.append(level)
        out[item.sku] = series
    return out


def _buyer_quantity(item: PurchaseItem, need: float) -> int:
    """What a buyer orders for ``need``: 0, else whole packs ≥ MOQ, or a price break that
    buys the lot for less money."""
    if need <= 1e-9:
        return 0
    packs = max(math.ceil(need / item.pack_size - 1e-9), math.ceil(item.moq / item.pack_size
                                                                      - 1e-9), 1)
    options = [packs * item.pack_size]
    for min_qty, _ in item.breaks:
        break_packs = max(math.ceil(min_qty / item.pack_size - 1e-9), packs)
        options.append(break_packs * item.pack_size)
    return min(options, key=lambda q: (round(q * item.unit_price(q), 6), q))


def _counterfactuals(problem: PurchaseProblem, lines: list[PurchaseLine]
                     ) -> list[tuple[int, int]]:
    """Per line: (quantity without safety stock, quantity with it), replaying each SKU's
    lines in arrival order in a world where the lines safety stock enlarged are smaller."""
    stock = _stock(problem, lines)
    target = problem.safety_stock_matrix
    index = {item.sku: i for i, item in enumerate(problem.items)}
    result: dict[int, tuple[int, int]] = {}
    for sku in {line.sku for line in lines}:
        i, item = index[sku], problem.items[index[sku]]
        mine = sorted((max((lines[k].arrival_date - problem.week_start).days // 7, 0), k)
                      for k in range(len(lines)) if lines[k].sku == sku)
        less = [0.0] * problem.weeks  # stock the safety stock added, by week
        for a, k in mine:
            later = [w for w, _ in mine if w > a]
            b = min(later[0] if later else problem.weeks, problem.weeks)
            q = lines[k].quantity
            if a >= b:
                result[k] = (0, 0)
                continue
            plain = max([0.0] + [-(stock[sku][t] - q - less[t]) for t in range(a, b)])
            safe = max([0.0] + [target[i, t] - (stock[sku][t] - q) for t in range(a, b)])
            without, with_ = _buyer_quantity(item, plain), _buyer_quantity(item, safe)
            if without < q <= with_:
                for t in range(a, problem.weeks):
                    less[t] += q - without
            result[k] = (without, with_)
    return [result[k] for k in range(len(lines))]


def _check_primary_reasons(problem: PurchaseProblem, lines: list[PurchaseLine],
                           sample: int = 40) -> dict[str, int]:
    assert lines and all(line.primary_reason in PRIMARY_REASONS for line in lines)
    counter = _counterfactuals(problem, lines)
    safety = [k for k, line in enumerate(lines) if line.primary_reason == "safety_stock"]
    others = [k for k in range(len(lines)) if k not in safety]
    for k in safety:  # removing the safety stock changes the quantity, and sets most of it
        without, with_ = counter[k]
        q = lines[k].quantity
        assert without != q and without < q <= with_, (lines[k], counter[k])
        assert q - without >= without, (lines[k], counter[k])
    for k in random.Random(0).sample(others, min(sample, len(others))):
        without, with_ = counter[k]
        q = lines[k].quantity
        assert not (without < q <= with_ and q - without >= without), (lines[k], counter[k])
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.primary_reason] = counts.get(line.primary_reason, 0) + 1
    return counts


def test_tiny_plan_lines_have_one_primary_reason_and_it_is_safety_stock_only_when_it_sets_the_quantity(  # noqa: E501
        tiny_purchase: dict[str, Any]) -> None:
    result = tiny_purchase["result"]
    lines = list(result.plan.lines)
    counts = _check_primary_reasons(result.problem, lines)
    assert sum(counts.values()) == len(lines)
    opening = {"safety_stock": "safety stock", "price_break": "price break",
               "min_order_value": "supplier's minimum order value",
               "moq": "minimum order quantity", "pack_size": "packs of",
               "joins_supplier_order": "joins the supplier's order",
               "covers_demand_to_next_order": "covers", "buys_ahead": "buys ahead"}
    for line in lines:  # the decisive reason opens the text, the others follow
        assert line.reason.startswith(opening[line.primary_reason]), line
        assert line.reason.count(opening[line.primary_reason]) == 1, line


def test_the_reason_text_is_in_the_plan_language(tiny_purchase: dict[str, Any]) -> None:
    from salesflow.data.i18n import set_language
    from salesflow.optimizer.purchasing.reasons import explain

    result = tiny_purchase["result"]
    english = explain(result.problem, list(result.plan.lines))
    set_language("zh-TW")
    chinese = explain(result.problem, list(result.plan.lines))
    assert [x.primary_reason for x in chinese] == [x.primary_reason for x in english]
    assert all(x.reason != y.reason for x, y in zip(chinese, english, strict=True))
    assert any("週" in x.reason for x in chinese)


@pytest.mark.slow
def test_sample_safety_stock_is_primary_only_where_removing_it_changes_the_quantity() -> None:
    """The Done-when item of issue 15 on the bundled sample (about 20 s)."""
    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.pipeline import purchase_run

    dataset = load_dataset(sample_data_dir())
    run = purchase_run(dataset, SolveLimits.from_config(dataset.config, 5.0))
    result = run.result
    lines = list(result.plan.lines)
    counts = _check_primary_reasons(result.problem, lines, sample=len(lines))
    week_one = [x for x in lines if x.order_date < result.problem.week_date(1)]
    share = sum(x.primary_reason == "safety_stock" for x in week_one) / len(week_one)
    assert share < 0.5, counts  # no longer the opening reason of nearly every line


@pytest.fixture(scope="module")
def tiny_purchase(tmp_path_factory: pytest.TempPathFactory,
                  tiny_master: Path) -> dict[str, Any]:
    """One purchase run on the tiny dataset for this module."""
    from salesflow.data.dataset import load_dataset
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.pipeline import purchase_run

    dataset = load_dataset(tiny_master)
    run = purchase_run(dataset, SolveLimits.from_config(dataset.config, 5.0))
    return {"result": run.result, "dataset": dataset}



# --- names, purchase orders, status, one total, the workbook, the terminal ------------------

def test_purchase_orders_csv_has_names_beside_the_ids(tiny_purchase: dict[str, Any]) -> None:
    from salesflow.optimizer.purchasing.plan import ORDER_COLUMNS, purchase_orders_frame

    result, dataset = tiny_purchase["result"], tiny_purchase["dataset"]
    frame = purchase_orders_frame(result.problem, result.plan)
    assert list(frame.columns) == ORDER_COLUMNS
    assert ORDER_COLUMNS[:4] == ["supplier_id", "sku", "supplier_name", "sku_name"]
    skus = dataset.skus.set_index("sku")["name"]
    suppliers = dataset.suppliers.set_index("supplier_id")["name"]
    assert (frame["sku_name"] == frame["sku"].map(skus)).all()
    assert (frame["supplier_name"] == frame["supplier_id"].map(suppliers)).all()
    assert frame["primary_reason"].isin(list(PRIMARY_REASONS)).all()


def test_week_orders_group_the_plan_week_per_supplier_with_totals(
        tiny_purchase: dict[str, Any]) -> None:
    from salesflow.optimizer.purchasing.orders import week_orders

    result = tiny_purchase["result"]
    problem = result.problem
    orders = week_orders(problem, result.plan)
    week = [x for x in result.plan.lines if x.order_date < problem.week_date(1)]
    assert orders and sum(len(o.lines) for o in orders) == len(week)
    assert len({(o.supplier_id, o.order_date) for o in orders}) == len(orders)
    for order in orders:
        assert {x.supplier_id for x in order.lines} == {order.supplier_id}
        assert order.quantity == sum(x.quantity for x in order.lines)
        assert order.value == pytest.approx(sum(x.quantity * x.unit_price for x in order.lines))
        minimum = problem.suppliers[order.supplier_id].min_order_value
        assert order.surcharge == pytest.approx(max(0.0, minimum - order.value), abs=1e-6)
        assert order.total == pytest.approx(order.value + order.surcharge)
        assert order.supplier_name == problem.suppliers[order.supplier_id].name != ""


@pytest.mark.parametrize(("lang", "status", "stop", "objective", "bound", "expected"), [
    ("en", "optimal", "proof", 100.0, 100.0, "optimal"),
    ("en", "optimal", "proof", 1000.0, 991.0, "optimal within 0.9 % of the best possible"),
    ("en", "feasible", "time limit", 1000.0, 991.0,
     "stopped at the time limit, within 0.9 % of the best possible"),
    ("en", "no solution", "time limit", None, 5.0, "no solution in time: heuristic plan used"),
    ("zh-TW", "feasible", "time limit", 1000.0, 991.0,
     "已達時間上限而停止，與理論最佳相差 0.9% 以內"),
])
def test_solver_status_in_words(tiny_purchase: dict[str, Any], lang: str, status: str,
                                stop: str, objective: float | None, bound: float,
                                expected: str) -> None:
    from dataclasses import replace

    from salesflow.data.i18n import set_language
    from salesflow.optimizer.purchasing.status import solve_status_text
    from salesflow.optimizer.result import SolveStatus

    set_language(lang)
    solution = replace(tiny_purchase["result"].solution, status=SolveStatus(status),
                       stop_reason=stop, objective=objective, bound=bound)
    assert solve_status_text(solution) == expected


def test_objective_is_the_cost_plus_named_penalties(tiny_purchase: dict[str, Any]) -> None:
    from salesflow.data.i18n import format_number
    from salesflow.optimizer.purchasing.plan import evaluate_plan
    from salesflow.optimizer.purchasing.score import objective_parts
    from salesflow.optimizer.purchasing.status import objective_sentence

    result = tiny_purchase["result"]
    solution = result.solution
    parts = objective_parts(result.problem, solution.plan.lines)
    assert parts.total == pytest.approx(solution.objective, rel=1e-9)
    assert parts.cost == pytest.approx(evaluate_plan(result.problem, solution.plan).total)
    sentence = objective_sentence(parts)
    named = [value for value in (parts.surcharges, parts.limit_penalties, parts.safety_stock,
                                 parts.lateness) if value >= 0.005]
    if named or abs(parts.end_stock_value) >= 0.005:
        assert sentence.startswith(f"objective {format_number(parts.total)} = cost "
                                   f"{format_number(parts.cost)} ")
        assert sentence.count(" + ") == len(named) + (parts.end_stock_value <= -0.005)
        if parts.end_stock_value >= 0.005:
            assert sentence.endswith(" − value of the stock left at the end "
                                     f"{format_number(parts.end_stock_value)}")
        # The parts add up to the objective.
        assert parts.total == pytest.approx(parts.cost + sum(named) - parts.end_stock_value)
    else:
        assert sentence == f"objective = cost {format_number(parts.cost)} (no penalties)"


def test_plan_is_never_worse_than_a_baseline_in_the_objective(
        tiny_purchase: dict[str, Any]) -> None:
    # The baselines are among the solve's starts, so the plan's objective (cost and penalties
    # less the credited stock left) is at most each one's; its raw cost may be more (a
    # price-break lot the next horizon sells).
    from salesflow.optimizer.purchasing.score import objective_parts

    result = tiny_purchase["result"]
    plan = objective_parts(result.problem, result.plan.lines).total
    for name, (baseline, _) in result.baselines.items():
        assert plan <= objective_parts(result.problem, baseline.lines).total + 1e-6, name


def _files(tiny_purchase: dict[str, Any], folder: Path) -> dict[str, Any]:
    from salesflow.cli.purchase_cmd import _summary, _write_outputs
    from salesflow.optimizer.accounting import account_of
    from salesflow.optimizer.purchasing.baselines import BaselineRule

    result, dataset = tiny_purchase["result"], tiny_purchase["dataset"]
    account = account_of(result, BaselineRule.from_config(dataset.config.baseline))
    target = dataset.config.targets.procurement_cost_change
    _write_outputs(folder, result, account, target)
    return _summary(result, account, target, result.problem.week_start,
                    result.problem.weeks)


def test_workbook_in_chinese_with_numbers_dates_purchase_orders_and_none(
        tiny_purchase: dict[str, Any], tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import load_workbook

    from salesflow.data.i18n import set_language

    set_language("zh-TW")
    _files(tiny_purchase, tmp_path)
    book = load_workbook(tmp_path / "purchase_plan.xlsx")
    assert book.sheetnames == ["計畫", "採購單", "本週訂購", "全部明細", "供應商", "比較", "問題"]
    lines = book["全部明細"]
    header = [c.value for c in lines[1]]
    assert header[:4] == ["供應商代號", "商品", "供應商", "品名"] and "主要原因" in header
    row = {h: c for h, c in zip(header, lines[2], strict=True)}
    assert isinstance(row["數量"].value, int) and row["數量"].number_format == "#,##0"
    assert isinstance(row["明細金額"].value, float | int)
    assert row["明細金額"].number_format == "#,##0.00"
    assert isinstance(row["訂購日"].value, dt.datetime)
    orders = book["採購單"]
    titles = [c.value for c in orders["A"] if isinstance(c.value, str)
              and c.value.startswith("採購單：")]
    from salesflow.optimizer.purchasing.orders import week_orders

    result = tiny_purchase["result"]
    assert len(titles) == len(week_orders(result.problem, result.plan))
    assert any(c.value == "合計" for c in orders["A"])
    issues = book["問題"]
    if issues.max_row == 2 and issues["A2"].value == "無":  # an empty table says so
        assert issues["B2"].value is None
    comparison = [c.value for c in book["比較"]["A"]][1:]
    assert "最佳化計畫" in comparison  # policies in words


def test_empty_issue_table_says_none() -> None:
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from salesflow.data.outputs.purchase_workbook import workbook_bytes

    empty = pd.DataFrame(columns=["kind", "constraint", "sku"])
    book = load_workbook(io.BytesIO(workbook_bytes({"Issues": empty, "Orders": []})))
    assert [c.value for c in book["Issues"][1]] == ["Kind", "Rule", "SKU"]
    assert book["Issues"]["A2"].value == "none"
    assert book["Orders"]["A1"].value == "none"


def test_purchase_terminal_summary_per_supplier_status_and_one_total(
        tiny_purchase: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from salesflow.cli.purchase_text import print_summary
    from salesflow.data.i18n import set_language

    summary = _files(tiny_purchase, tmp_path)
    print_summary(summary, tmp_path)
    text = capsys.readouterr().out
    assert "Purchase orders this week, one per supplier:" in text
    for order in summary["purchase_orders"]:
        assert f"| {order['supplier_name']} ({order['supplier_id']}) |" in text
    assert f"Solver: {summary['solve']['status_text']}" in text
    assert summary["solve"]["objective_text"].startswith("objective ")
    assert summary["solve"]["objective_text"] in text
    assert "net cost = cost − stock value change" in text
    assert "This week's orders" in text
    orders, = (x for x in text.split("\n\n") if "one per supplier" in x)
    assert orders.index("Purchase orders") < text.index("Solver:")  # the orders come first
    set_language("zh-TW")
    summary = _files(tiny_purchase, tmp_path)
    print_summary(summary, None)
    chinese = capsys.readouterr().out
    assert "本週採購單（每家供應商一張）：" in chinese and "求解器：" in chinese
    assert "目標值" in chinese and "Purchase" not in chinese
