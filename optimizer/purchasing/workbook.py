"""What the purchasing workbook holds, in the reader's language: the solve in words, the plan
week's purchase orders (one block per supplier), the week's lines, all lines, the suppliers,
the comparison with the rules and the issues. The XLSX itself is written by
:func:`~salesflow.data.outputs.purchase_workbook.workbook_bytes`."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from salesflow.data.i18n import N_, _, format_date
from salesflow.data.outputs.purchase_workbook import Block, Sheet
from salesflow.optimizer.purchasing.checks import constraint_label
from salesflow.optimizer.purchasing.orders import SupplierOrder
from salesflow.optimizer.purchasing.reasons import primary_reason_label

POLICY_LABELS = {"optimized": N_("optimized plan"), "lot_for_lot": N_("lot-for-lot"),
                 "eoq_reorder_point": N_("EOQ with reorder point"), "min_max": N_("min/max")}
"""The purchase policies in words (their codes stay in the files and in --json)."""

ISSUE_KINDS: dict[str, str] = {"cannot be met": N_("cannot be met"),
                               "plan breaks": N_("plan breaks")}

LINE_COLUMNS = ["sku", "sku_name", "packs", "quantity", "unit_price", "line_cost",
                "primary_reason", "reason"]
"""The columns of a purchase order's lines in its block."""


def policy_label(policy: str) -> str:
    """A purchase policy in words, in the current language (the code when unknown)."""
    return _(POLICY_LABELS[policy]) if policy in POLICY_LABELS else policy


ROLE_WORDS = {"plan": N_("the plan"),
              "company's rule (config.toml [baseline])":
                  N_("company's rule (config.toml [baseline])"),
              "cheapest rule of the week": N_("cheapest rule of the week"),
              "other rule": N_("other rule")}
"""The roles of ``purchase_comparison.csv`` (English there, for scripts) in words."""


def role_label(role: str) -> str:
    """A comparison row's role in the current language ("company's rule: <rule>" keeps the
    rule as config.toml writes it)."""
    prefix = "company's rule: "
    if role.startswith(prefix):
        return _("company's rule: {rule}").format(rule=role[len(prefix):])
    return _("; ").join(_(ROLE_WORDS[part]) if part in ROLE_WORDS else part
                        for part in role.split("; "))


def supplier_title(supplier_id: str, name: str) -> str:
    """``"Acme Trading (SUP01)"``, or the id alone when the data has no name."""
    return _("{name} ({id})").format(name=name, id=supplier_id) if name else supplier_id


def readable_lines(orders: pd.DataFrame) -> pd.DataFrame:
    """``purchase_orders.csv`` rows with the primary reason in words (for people)."""
    return orders.assign(primary_reason=orders["primary_reason"].map(primary_reason_label))


def order_blocks(orders: list[SupplierOrder], lines: pd.DataFrame) -> list[Block]:
    """One block per purchase order: supplier, order and delivery date, its lines (from
    ``lines``, the rows of ``purchase_orders.csv``) and its totals."""
    blocks = []
    for order in orders:
        mine = lines[(lines["supplier_id"] == order.supplier_id)
                     & (lines["order_date"] == order.order_date.isoformat())]
        totals: list[tuple[str, object, str]] = [
            (_("Lines"), len(order.lines), "lines"),
            (_("Quantity"), order.quantity, "quantity"),
            (_("Value"), round(order.value, 2), "value")]
        if order.surcharge > 0:
            totals.append((_("Minimum order value surcharge"), round(order.surcharge, 2),
                           "surcharge"))
        totals.append((_("Total"), round(order.total, 2), "total"))
        blocks.append(Block(
            _("Purchase order: {supplier}").format(
                supplier=supplier_title(order.supplier_id, order.supplier_name)),
            readable_lines(mine)[LINE_COLUMNS].reset_index(drop=True),
            fields=((_("Order date"), order.order_date, "order_date"),
                    (_("Delivery date"), order.delivery_date, "delivery_date"),
                    (_("Minimum order value"), round(order.min_order_value, 2),
                     "min_order_value")),
            totals=tuple(totals)))
    return blocks


def readable_issues(issues: pd.DataFrame) -> pd.DataFrame:
    """The issues table with its kind and rule in words."""
    return issues.assign(kind=issues["kind"].map(lambda k: _(ISSUE_KINDS.get(str(k), str(k)))),
                         constraint=issues["constraint"].map(constraint_label))


def workbook_sheets(week_start: dt.date, status: str, objective: str, orders: pd.DataFrame,
                    supplier_orders: list[SupplierOrder], suppliers: pd.DataFrame,
                    comparison: pd.DataFrame, issues: pd.DataFrame) -> dict[str, Sheet]:
    """The sheets by name in words: Plan (the solve in words), Purchase orders, Order this
    week, All lines, Suppliers, Comparison, Issues."""
    this_week = orders[orders["order_date"] < (week_start + dt.timedelta(days=7)).isoformat()]
    summary = pd.DataFrame([
        {"item": _("Plan week"), "text": format_date(week_start)},
        {"item": _("Solver"), "text": status},
        {"item": _("Objective and cost"), "text": objective},
    ], columns=["item", "text"])
    return {
        _("Plan"): summary,
        _("Purchase orders"): order_blocks(supplier_orders, orders),
        _("Order this week"): readable_lines(this_week),
        _("All lines"): readable_lines(orders),
        _("Suppliers"): suppliers,
        _("Comparison"): comparison.assign(policy=comparison["policy"].map(policy_label),
                                                 role=comparison["role"].map(role_label)),
        _("Issues"): readable_issues(issues),
    }
