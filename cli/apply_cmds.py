"""``salesflow apply ID`` and ``salesflow export ID``."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import emit, json_option, store_option
from salesflow.data.errors import UserError

EXPORTS = {
    "purchase": "purchase_orders",
    "routes": "routes",
    "roster": "roster",
}
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
    only the lines to send (action new or amend), the routes and the roster. The plan applied
    before becomes superseded. Applying an applied plan changes nothing. Two applies at once
    on one store: one wins, the other stops with exit 2 and changes nothing.
    """
    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    record = plan_store.get_plan(plan_id)
    names = {f.name for f in record.files}
    if "purchase_orders.csv" not in names:
        raise UserError(f"plan {plan_id} has no purchase_orders.csv; it cannot be applied")
    lines = _week_lines(plan_id, record.week, plan_store.read_file(plan_id, "purchase_orders.csv"))
    exports = {name: plan_store.read_file(plan_id, name) for name in sorted(names)
               if name.startswith(("routes.", "roster."))}
    outcome = plan_store.apply_plan(plan_id, orders=lines, exports=exports, force=force)
    issued = outcome.issued
    if outcome.changed and issued is not None:
        text = (f"Plan {plan_id} ({record.week}) applied: {issued.sentence()}; exports in "
                f"{outcome.export_dir}.")
        if outcome.superseded:
            text += f"\nSuperseded: plan {', '.join(map(str, outcome.superseded))}."
    else:
        text = f"Plan {plan_id} is already applied; nothing changed."
    emit({"ok": True, "changed": outcome.changed, "plan": outcome.plan.to_dict(),
          "superseded": list(outcome.superseded), "orders": len(lines),
          "issued": issued.counts() if issued is not None else None,
          "export_dir": str(outcome.export_dir)}, text)


def _convert(csv_data: bytes, fmt: str, what: str) -> bytes:
    import pandas as pd

    from salesflow.data.outputs.writers import json_bytes, xlsx_bytes

    frame = pd.read_csv(io.BytesIO(csv_data), dtype=str, keep_default_na=False)
    if fmt == "xlsx":
        return xlsx_bytes({what: frame})
    return json_bytes(frame.to_dict(orient="records"))


@click.command("export", epilog="""\b
Examples:
  salesflow export 3 --what purchase --format xlsx --out po.xlsx
  salesflow export 3 --what routes --format gpx --out routes.gpx
""")
@click.argument("plan_id", type=int, metavar="ID")
@click.option("--what", type=click.Choice(sorted(EXPORTS)), required=True,
              help="Which part of the plan.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv, xlsx and json for every part; geojson, gpx and html for routes when "
                   "the plan holds them.")
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
        have = ", ".join(sorted(n for n in names if n.startswith(base + "."))) or "none"
        raise UserError(f"plan {plan_id} has no {what} as {fmt} (it holds: {have})")
    target = write_atomic(out or Path(f"plan{plan_id}_{what}.{fmt}"), data)
    emit({"ok": True, "plan": plan_id, "what": what, "format": fmt, "file": str(target),
          "bytes": len(data)}, f"Wrote {target} ({len(data):,} bytes).")
