"""``salesflow orders list | cancel ID | receive ID``: the purchase orders issued by applies."""

from __future__ import annotations

import click

from salesflow.cli.common import emit, json_option, store_option

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
            click.echo("No purchase orders" + (f" with status {status}" if status else "")
                       + " in this store.")
            return
        click.echo(f"{'id':>5}  {'po_id':<22} {'sku':<10} {'ordered':>9} {'open':>9} "
                   f"{'status':<9} {'order date':<10}  {'arrival':<10}  plan  issued by")
        for o in orders:
            click.echo(f"{o.id:>5}  {o.po_id:<22} {o.sku:<10} {o.quantity:>9g} "
                       f"{o.open_quantity:>9g} {o.status:<9} {o.order_date:<10}  "
                       f"{o.arrival_date:<10}  {o.plan_id if o.plan_id is not None else '-':>4}"
                       f"  {o.issued_by}")
        counts = {s: sum(o.status == s for o in orders) for s in STATUSES}
        click.echo(f"{len(orders)} lines: " + ", ".join(f"{n} {s}" for s, n in counts.items()))

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
         f"Cancelled order line {order.id} ({order.po_id}, {order.sku}): "
         f"{order.cancelled_quantity:g} units no longer awaited.")


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
        text = (f"Order line {order.id} ({order.po_id}, {order.sku}) received in full: "
                f"{order.received_quantity:g} units.")
    else:
        text = (f"Order line {order.id} ({order.po_id}, {order.sku}): "
                f"{order.received_quantity:g} units received so far, "
                f"{order.open_quantity:g} still open.")
    emit({"ok": True, "order": order.to_dict()}, text)
