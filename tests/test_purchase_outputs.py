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

