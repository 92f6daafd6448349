"""What changed between two stored plans: the seven KPIs, each plan's own week of purchases
per supplier and SKU, purchase lines, routes, roster, and every numeric figure of
``kpis.json``.

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

from salesflow.data.i18n.terms import KPI_TERMS


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


def _kpis(files: Mapping[str, bytes]) -> dict[str, Any]:
    data = files.get("kpis.json")
    return json.loads(data) if data else {}


def _delta(x: float | None, y: float | None) -> float | None:
    return None if x is None or y is None else round(y - x, 6)


def kpi_changes(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The seven KPIs (``kpis.json`` targets) in the manual's order: plan 1's value, plan
    2's, the change (``None`` where a plan has no value) and whether it ``changed``. Empty
    when neither plan has KPIs."""
    first = {row["kpi"]: row for row in _kpis(a).get("targets", [])}
    second = {row["kpi"]: row for row in _kpis(b).get("targets", [])}
    if not first and not second:
        return []
    rows = []
    for kpi in KPI_TERMS:
        x, y = first.get(kpi, {}).get("value"), second.get(kpi, {}).get("value")
        rows.append({"kpi": kpi, "before": x, "after": y, "delta": _delta(x, y),
                     "changed": x != y})
    return rows


def _route_figures(files: Mapping[str, bytes]) -> dict[str, float]:
    routes = _frame(files, "routes.csv")
    if routes.empty or "stop_type" not in routes:
        return {"vehicle_days": 0, "stops": 0, "unserved": 0, "km": 0.0}
    customers = routes[routes["stop_type"] == "customer"]
    km = pd.to_numeric(routes.get("leg_km", pd.Series(dtype=str)), errors="coerce").sum()
    return {"vehicle_days": len(customers.groupby(["day", "vehicle_id"])),
            "stops": len(customers), "unserved": int((routes["stop_type"] == "unserved").sum()),
            "km": round(float(km), 1)}


def _roster_figures(files: Mapping[str, bytes]) -> dict[str, float]:
    roster = _frame(files, "roster.csv")
    if roster.empty or not {"employee_id", "start", "end"} <= set(roster.columns):
        return {"shifts": 0, "employees": 0, "hours": 0.0}
    start = pd.to_timedelta(roster["start"] + ":00", errors="coerce")
    end = pd.to_timedelta(roster["end"] + ":00", errors="coerce")
    hours = ((end - start).dt.total_seconds() % 86_400 / 3600).sum()
    return {"shifts": len(roster), "employees": roster["employee_id"].nunique(),
            "hours": round(float(hours), 1)}


def totals(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """Route and roster totals of each plan (``part``, ``figure``, ``before``, ``after``):
    vehicle-days, customer stops, unserved customers and km; shifts, employees and hours."""
    rows = []
    for part, figures in (("routes", _route_figures), ("roster", _roster_figures)):
        before, after = figures(a), figures(b)
        rows += [{"part": part, "figure": name, "before": before[name], "after": after[name]}
                 for name in before]
    return rows


def _week_lines(files: Mapping[str, bytes]) -> pd.DataFrame:
    """The plan week's purchase lines summed per supplier and SKU (the week from
    ``kpis.json`` ``week_start``, else the plan's first order date)."""
    frame = _frame(files, "purchase_orders.csv")
    columns = ["supplier_id", "sku", "supplier_name", "sku_name", "quantity", "line_cost"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    start = _kpis(files).get("week_start") or frame["order_date"].min()
    end = (pd.Timestamp(start) + pd.Timedelta(days=7)).date().isoformat()
    week = frame[(frame["order_date"] >= start) & (frame["order_date"] < end)].copy()
    for column in ("supplier_name", "sku_name"):
        if column not in week:
            week[column] = ""
    week["quantity"] = week["quantity"].astype(int)
    week["line_cost"] = week["line_cost"].astype(float)
    return week.groupby(["supplier_id", "sku"], as_index=False).agg(
        supplier_name=("supplier_name", "first"), sku_name=("sku_name", "first"),
        quantity=("quantity", "sum"), line_cost=("line_cost", "sum"))[columns]


def week_purchase_changes(a: Mapping[str, bytes], b: Mapping[str, bytes]
                          ) -> list[dict[str, Any]]:
    """Each plan's own week of purchases compared per supplier and SKU (so that plans of two
    different weeks compare like for like): the pairs whose quantity differs, with quantity
    and value in plan 1 and plan 2 (0 where a plan orders none)."""
    first, second = _week_lines(a), _week_lines(b)
    merged = first.merge(second, on=["supplier_id", "sku"], how="outer",
                         suffixes=("_1", "_2"), sort=True)
    rows = []
    for row in merged.itertuples(index=False):
        q1 = 0 if pd.isna(row.quantity_1) else int(row.quantity_1)
        q2 = 0 if pd.isna(row.quantity_2) else int(row.quantity_2)
        if q1 == q2:
            continue
        rows.append({
            "supplier_id": row.supplier_id, "sku": row.sku,
            "supplier_name": _first_text(row.supplier_name_2, row.supplier_name_1),
            "sku_name": _first_text(row.sku_name_2, row.sku_name_1),
            "quantity_before": q1, "quantity_after": q2, "delta": q2 - q1,
            "value_before": 0.0 if pd.isna(row.line_cost_1) else round(row.line_cost_1, 2),
            "value_after": 0.0 if pd.isna(row.line_cost_2) else round(row.line_cost_2, 2)})
    return rows


def _first_text(*values: object) -> str:
    return next((str(v) for v in values if isinstance(v, str) and v), "")


def diff_plans(a: Mapping[str, bytes], b: Mapping[str, bytes]) -> dict[str, list[dict[str, Any]]]:
    """All differences between two plans' files: ``kpi_changes`` (the seven KPIs, each
    marked ``changed`` or not), ``week_purchases`` (each plan's own week per supplier and
    SKU), ``totals`` (route and roster totals of each plan), ``purchase`` (every line by
    order date), ``routes`` (per day and vehicle), ``roster`` (per employee and date) and
    ``kpis`` (every numeric figure of ``kpis.json`` by its path). Plans are the same when
    :func:`same` says so."""
    return {"kpi_changes": kpi_changes(a, b), "week_purchases": week_purchase_changes(a, b),
            "totals": totals(a, b),
            "purchase": purchase_changes(a, b), "routes": route_changes(a, b),
            "roster": roster_changes(a, b), "kpis": kpi_deltas(a, b)}


CHANGE_PARTS = ("week_purchases", "purchase", "routes", "roster", "kpis")
"""The parts of :func:`diff_plans` that list only what differs."""


def same(diff: Mapping[str, list[dict[str, Any]]]) -> bool:
    """Whether a :func:`diff_plans` result says the two plans are the same."""
    return not any(diff[part] for part in CHANGE_PARTS) and \
        not any(row["changed"] for row in diff["kpi_changes"])
