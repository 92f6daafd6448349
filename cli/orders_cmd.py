"""``salesflow orders list | cancel ID | receive ID``: the purchase orders issued by applies."""

from __future__ import annotations

import click

from salesflow.cli.common import emit, json_option, pad, store_option
from salesflow.data.i18n import N_, _, format_number

STATUS_WORDS = {"open": N_("open"), "received": N_("received"), "cancelled": N_("cancelled")}
"""An order line's status in words (the code value stays in --json)."""


def _quantity(value: float) -> str:
    """Units as whole numbers, or with two decimals when a part of a unit is involved."""
    return format_number(value, 0 if float(value).is_integer() else 2)

STATUSES = ("open", "received", "cancelled")


@click.group("orders", epilog="""\b
Examples:
  salesflow orders list                      every issued order line with its status
  salesflow orders list --status open --json
  salesflow orders cancel 12                 cancel what is open of order line 12
  salesflow orders receive 12 --quantity 40  40 units of line 12 arrived
""")
def orders_group() -> None:
    """The purchase order lines issued by `salesflow apply`, with their status.

    An issued line is open until it is received in full or cancelled. Every open line placed
    before a plan's week is netted from that plan's need (its open quantity: ordered minus
    received minus cancelled). Mark a line received once its goods are in the dataset's
    inventory; cancel a line the supplier will not deliver, and the next plan covers its
    need again. A line the dataset's open_orders.csv lists (same po_id and sku: the ERP's
    list) is taken from that file instead.
    """


@orders_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Only lines with this status.")
@store_option
@json_option
def list_command(status: str | None, store: str, as_json: bool) -> None:
    """List the issued purchase order lines, by order date, po_id and SKU."""
    from salesflow.data.store.plan_store import PlanStore

    orders = PlanStore(store).list_orders(status)

    def human() -> None:
        if not orders:
            click.echo((_("No purchase orders with status {status} in this store.") if status
                        else _("No purchase orders in this store.")).format(
                status=_(STATUS_WORDS[status]) if status else ""))
            return
        head = [_("id"), "po_id", _("sku"), _("ordered"), _("open"), _("status"),
                _("order date"), _("arrival"), _("plan"), _("issued by")]
        click.echo(f"{pad(head[0], 5, '>')}  {pad(head[1], 22)} {pad(head[2], 10)} "
                   f"{pad(head[3], 9, '>')} {pad(head[4], 9, '>')} {pad(head[5], 9)} "
                   f"{pad(head[6], 10)}  {pad(head[7], 10)}  {head[8]}  {head[9]}")
        for o in orders:
            word = _(STATUS_WORDS[o.status]) if o.status in STATUS_WORDS else o.status
            click.echo(f"{o.id:>5}  {o.po_id:<22} {o.sku:<10} {_quantity(o.quantity):>9} "
                       f"{_quantity(o.open_quantity):>9} {pad(word, 9)} "
                       f"{o.order_date:<10}  {o.arrival_date:<10}  "
                       f"{o.plan_id if o.plan_id is not None else '-':>4}  {o.issued_by}")
        counts = {s: sum(o.status == s for o in orders) for s in STATUSES}
        click.echo(_("{count} lines: {statuses}").format(
            count=format_number(len(orders)), statuses=", ".join(
                f"{format_number(n)} {_(STATUS_WORDS[s])}" for s, n in counts.items())))

    emit({"ok": True, "orders": [o.to_dict() for o in orders]}, human)


@orders_group.command("cancel", epilog="""\b
Examples:
  salesflow orders cancel 12
""")
@click.argument("order_id", type=int, metavar="ID")
@store_option
@json_option
def cancel_command(order_id: int, store: str, as_json: bool) -> None:
    """Cancel what is still open of order line ID; the next plan covers its need again."""
    from salesflow.data.store.plan_store import PlanStore

    order = PlanStore(store).cancel_order(order_id)
    emit({"ok": True, "order": order.to_dict()},
         _("Cancelled order line {line} ({po_id}, {sku}): {units} units no longer "
           "awaited.").format(line=order.id, po_id=order.po_id, sku=order.sku,
                              units=_quantity(order.cancelled_quantity)))


@orders_group.command("receive", epilog="""\b
Examples:
  salesflow orders receive 12                 all that is open of line 12 arrived
  salesflow orders receive 12 --quantity 40   a partial delivery
""")
@click.argument("order_id", type=int, metavar="ID")
@click.option("--quantity", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Units received (default: all that is open).")
@store_option
@json_option
def receive_command(order_id: int, quantity: float | None, store: str, as_json: bool) -> None:
    """Record order line ID (or --quantity of it) as received: no longer awaited.

    Received goods belong in the dataset's inventory from then on.
    """
    from salesflow.data.store.plan_store import PlanStore

    order = PlanStore(store).receive_order(order_id, quantity)
    if order.status == "received":
        text = _("Order line {line} ({po_id}, {sku}) received in full: {units} "
                 "units.").format(line=order.id, po_id=order.po_id, sku=order.sku,
                                  units=_quantity(order.received_quantity))
    else:
        text = _("Order line {line} ({po_id}, {sku}): {units} units received so far, {open} "
                 "still open.").format(line=order.id, po_id=order.po_id, sku=order.sku,
                                       units=_quantity(order.received_quantity),
                                       open=_quantity(order.open_quantity))
    emit({"ok": True, "order": order.to_dict()}, text)
