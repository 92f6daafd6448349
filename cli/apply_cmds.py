"""``salesflow apply ID`` and ``salesflow export ID``."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import emit, json_option, store_option
from salesflow.data.errors import UserError
from salesflow.data.i18n import _, format_number

EXPORTS = {
    "purchase": "purchase_orders",
    "routes": "routes",
    "run_sheets": "run_sheets",
    "roster": "roster",
}
APPLY_EXPORTS = ("routes.", "run_sheets.", "roster.")
"""The stored files an apply puts in the export folder, by name prefix (besides the ERP
file): every route file, the run sheets and the roster."""
FORMATS = ("csv", "xlsx", "json", "geojson", "gpx", "html")


def _week_lines(plan_id: int, week: str, purchase_csv: bytes) -> list[Mapping[str, Any]]:
    """The purchase lines ordered in the plan's week: the orders applying the plan places."""
    import pandas as pd

    from salesflow.data.dataset.config import parse_iso_week

    lines = pd.read_csv(io.BytesIO(purchase_csv), dtype={"supplier_id": str, "sku": str})
    start = parse_iso_week(week)
    order_dates = pd.to_datetime(lines["order_date"]).dt.date
    lines = lines[(order_dates >= start) & (order_dates < start + dt.timedelta(days=7))]
    # One purchase order per supplier and order date, one line per SKU on it.
    lines = (lines.groupby(["supplier_id", "order_date", "arrival_date", "sku"], sort=True)
             [["quantity", "line_cost"]].sum().reset_index())
    return [{"po_id": f"SF{plan_id}-{row.supplier_id}-{row.order_date.replace('-', '')}",
             "supplier_id": row.supplier_id, "sku": row.sku, "quantity": row.quantity,
             "unit_price": round(row.line_cost / row.quantity, 4) if row.quantity else 0.0,
             "order_date": row.order_date, "arrival_date": row.arrival_date}
            for row in lines.itertuples(index=False)]


@click.command("apply", epilog="""\b
Examples:
  salesflow apply 3                make plan 3 the plan in force, issue its orders
  salesflow apply 5                after a re-plan: issue only new lines and amendments
  salesflow apply 2 --force        go back to an older plan over a newer applied one
""")
@click.argument("plan_id", type=int, metavar="ID")
@click.option("--force", is_flag=True, help="Apply an older plan over a newer applied one.")
@store_option
@json_option
def apply_command(plan_id: int, force: bool, store: str, as_json: bool) -> None:
    """Make a stored plan the one in force and issue its purchase orders.

    Its purchase lines of the plan week are issued as purchase orders with ids and status
    (`salesflow orders list`); the next `salesflow weekly` with this store nets every open
    one placed before its week. Re-applying the week after a re-plan issues only the
    difference against the orders already issued for the week: new lines, and changed
    quantities as amendments of the original orders; issued orders are never cancelled by
    an apply. The export folder (the store's exports/<ID>/) gets purchase_orders_erp.csv with
    only the lines to send (action new or amend), every route file (routes.csv, .geojson,
    .gpx, the .html map), the drivers' run_sheets.html and the roster. The plan applied
    before becomes superseded. Applying an applied plan changes nothing. Two applies at once
    on one store: one wins, the other stops with exit 2 and changes nothing.
    """
    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    record = plan_store.get_plan(plan_id)
    names = {f.name for f in record.files}
    if "purchase_orders.csv" not in names:
        raise UserError(_("plan {plan_id} has no purchase_orders.csv; it cannot be applied")
                        .format(plan_id=plan_id))
    lines = _week_lines(plan_id, record.week, plan_store.read_file(plan_id, "purchase_orders.csv"))
    exports = {name: plan_store.read_file(plan_id, name) for name in sorted(names)
               if name.startswith(APPLY_EXPORTS)}
    outcome = plan_store.apply_plan(plan_id, orders=lines, exports=exports, force=force)
    issued = outcome.issued
    if outcome.changed and issued is not None:
        text = _("Plan {plan_id} ({week}) applied: {issued}; exports in {folder}.").format(
            plan_id=plan_id, week=record.week, issued=issued.sentence(),
            folder=outcome.export_dir)
        if outcome.superseded:
            text += "\n" + _("Superseded: plan {plans}.").format(
                plans=", ".join(map(str, outcome.superseded)))
    else:
        text = _("Plan {plan_id} is already applied; nothing changed.").format(plan_id=plan_id)
    emit({"ok": True, "changed": outcome.changed, "plan": outcome.plan.to_dict(),
          "superseded": list(outcome.superseded), "orders": len(lines),
          "issued": issued.counts() if issued is not None else None,
          "export_dir": str(outcome.export_dir)}, text)


IDENTIFIER_COLUMNS = frozenset({"sku", "name", "note", "reason", "po_id", "week"})
"""Columns that stay text in JSON and XLSX exports even when every value looks like a number
(besides every ``*_id`` column): identifiers and free text."""

_INTEGER = re.compile(r"[+-]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[+-]?(0|[1-9][0-9]*)?(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def _typed_column(name: str, values: list[str]) -> list[Any]:
    """The column's values as ints (all integers), floats (all numbers) or the text; an
    empty cell is ``None`` in every case. Identifier columns, and numbers written with a
    leading zero (``007``), stay text."""
    if name in IDENTIFIER_COLUMNS or name.endswith("_id"):
        return [v if v != "" else None for v in values]
    filled = [v for v in values if v != ""]
    if filled and all(_INTEGER.fullmatch(v) for v in filled):
        return [int(v) if v != "" else None for v in values]
    if filled and all(_DECIMAL.fullmatch(v) and any(c.isdigit() for c in v) for v in filled):
        return [float(v) if v != "" else None for v in values]
    return [v if v != "" else None for v in values]


def typed_records(csv_data: bytes) -> list[dict[str, Any]]:
    """The rows of a stored CSV file with numbers as numbers (:func:`_typed_column`)."""
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(csv_data), dtype=str, keep_default_na=False)
    columns = {c: _typed_column(str(c), [str(v) for v in frame[c]]) for c in frame.columns}
    return [{c: columns[c][i] for c in frame.columns} for i in range(len(frame))]


def _convert(csv_data: bytes, fmt: str, what: str) -> bytes:
    import pandas as pd

    from salesflow.data.outputs.writers import json_bytes, xlsx_bytes

    records = typed_records(csv_data)
    if fmt == "xlsx":
        columns = pd.read_csv(io.BytesIO(csv_data), nrows=0).columns
        return xlsx_bytes({what: pd.DataFrame(records, columns=list(columns))})
    return json_bytes(records)


@click.command("export", epilog="""\b
Examples:
  salesflow export 3 --what purchase --format xlsx --out po.xlsx
  salesflow export 3 --what routes --format gpx --out routes.gpx
  salesflow export 3 --what routes --format html           the route map
  salesflow export 3 --what run_sheets --format html       drivers' run sheets to print
""")
@click.argument("plan_id", type=int, metavar="ID")
@click.option("--what", type=click.Choice(sorted(EXPORTS)), required=True,
              help="Which part of the plan.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv, xlsx and json for every table; geojson, gpx and html (the map) for "
                   "routes, html for run_sheets, when the plan holds them.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output file (default: plan<ID>_<what>.<format> here).")
@store_option
@json_option
def export_command(plan_id: int, what: str, fmt: str, out: Path | None, store: str,
                   as_json: bool) -> None:
    """Export one part of a stored plan to a file."""
    from salesflow.data.outputs.writers import write_atomic
    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    record = plan_store.get_plan(plan_id)
    names = {f.name for f in record.files}
    base = EXPORTS[what]
    stored = f"{base}.{fmt}"
    if stored in names:
        data = plan_store.read_file(plan_id, stored)
    elif fmt in ("xlsx", "json") and f"{base}.csv" in names:
        data = _convert(plan_store.read_file(plan_id, f"{base}.csv"), fmt, what)
    else:
        have = ", ".join(sorted(n for n in names if n.startswith(base + "."))) or _("none")
        raise UserError(_("plan {plan_id} has no {what} as {format} (it holds: {files})").format(
            plan_id=plan_id, what=what, format=fmt, files=have))
    target = write_atomic(out or Path(f"plan{plan_id}_{what}.{fmt}"), data)
    emit({"ok": True, "plan": plan_id, "what": what, "format": fmt, "file": str(target),
          "bytes": len(data)}, _("Wrote {file} ({size} bytes).").format(
              file=target, size=format_number(len(data))))
