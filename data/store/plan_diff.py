"""What changed between two stored plans: purchase lines, routes, roster, KPIs.

Works on the plans' files (``purchase_orders.csv``, ``routes.csv``, ``roster.csv``,
``kpis.json``), so it needs neither the dataset nor the solvers. The diff of a plan with itself
is empty.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd


def _frame(files: Mapping[str, bytes], name: str) -> pd.DataFrame:
    data = files.get(name)
    if not data:
        return pd.DataFrame()
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def _keyed(frame: pd.DataFrame, key: list[str], value: list[str]) -> dict[tuple, tuple]:
    if frame.empty or any(c not in frame.columns for c in key + value):
        return {}
    grouped = frame.groupby(key, sort=True)[value].agg(lambda s: ";".join(s))
    return {(k if isinstance(k, tuple) else (k,)): tuple(v) for k, v in
            zip(grouped.index, grouped.itertuples(index=False, name=None), strict=True)}


def _compare(a: dict[tuple, tuple], b: dict[tuple, tuple], key: list[str],
             value: list[str]) -> list[dict[str, Any]]:
    changes = []
    for k in sorted(set(a) | set(b)):
        before, after = a.get(k), b.get(k)
        if before == after:
            continue
        change = "added" if before is None else "removed" if after is None else "changed"
        row: dict[str, Any] = {"change": change, **dict(zip(key, k, strict=True))}
        for i, column in enumerate(value):
            row[f"{column}_before"] = None if before is None else before[i]
            row[f"{column}_after"] = None if after is None else after[i]
        changes.append(row)
    return changes


def purchase_changes(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """Purchase lines added, removed or changed, keyed by supplier, SKU and order date."""
    key, value = ["supplier_id", "sku", "order_date"], ["quantity", "arrival_date"]
    return _compare(_keyed(_frame(a, "purchase_orders.csv"), key, value),
                    _keyed(_frame(b, "purchase_orders.csv"), key, value), key, value)


def _route_sequences(files: Mapping[str, bytes]) -> dict[tuple, tuple]:
    routes = _frame(files, "routes.csv")
    if routes.empty:
        return {}
    customers = routes[routes["stop_type"] == "customer"]
    out = {(day, vehicle): (" > ".join(group["customer_id"]),)
           for (day, vehicle), group in customers.groupby(["day", "vehicle_id"], sort=True)}
    unserved = routes[routes["stop_type"] == "unserved"]
    for day, group in unserved.groupby("day", sort=True):
        out[(day, "(unserved)")] = (" ".join(sorted(group["customer_id"])),)
    return out


def route_changes(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """Routes (per day and vehicle, as the sequence of customers) that differ."""
    return _compare(_route_sequences(a), _route_sequences(b), ["day", "vehicle_id"], ["stops"])


def roster_changes(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """Shifts added, removed or changed, keyed by employee and date."""
    key, value = ["employee_id", "date"], ["shift_id", "role"]
    return _compare(_keyed(_frame(a, "roster.csv"), key, value),
                    _keyed(_frame(b, "roster.csv"), key, value), key, value)


def _numbers(value: Any, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a JSON value by dotted path (lists of records indexed by position,
    or by their ``kpi``/``day`` field when they have one)."""
    out: dict[str, float] = {}
    if isinstance(value, bool):
        return out
    if isinstance(value, int | float):
        if not (isinstance(value, float) and math.isnan(value)):
            out[prefix] = float(value)
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_numbers(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            label = v.get("kpi", v.get("day", i)) if isinstance(v, dict) else i
            out.update(_numbers(v, f"{prefix}[{label}]"))
    return out


def kpi_deltas(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """Every numeric KPI whose value differs: path, before, after, delta."""
    before = _numbers(json.loads(a.get("kpis.json", b"{}")))
    after = _numbers(json.loads(b.get("kpis.json", b"{}")))
    rows = []
    for path in sorted(set(before) | set(after)):
        x, y = before.get(path), after.get(path)
        if x == y:
            continue
        rows.append({"kpi": path, "before": x, "after": y,
                     "delta": None if x is None or y is None else round(y - x, 6)})
    return rows


def diff_plans(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> dict[str, list[dict[str, Any]]]:
    """All differences between two plans' files (empty lists when they are the same)."""
    return {"purchase": purchase_changes(a, b), "routes": route_changes(a, b),
            "roster": roster_changes(a, b), "kpis": kpi_deltas(a, b)}
