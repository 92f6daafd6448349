"""The human text of ``salesflow plans diff``, in the reader's language: the seven KPIs
first (plan 1 → plan 2 and the change), then each plan's own week of purchases per supplier
and SKU, then routes and roster. Internal keys stay in ``--json``."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click

from salesflow.data.i18n import N_, _, format_number
from salesflow.data.i18n.terms import format_kpi_value, kpi_label

SHOWN = 10
"""Rows of a part shown before "... more (--json)"."""


def _named(code: str, name: str) -> str:
    return _("{name} ({id})").format(name=name, id=code) if name else code


def _counts(rows: list[dict[str, Any]]) -> str:
    labels = {"added": _("{count} added"), "removed": _("{count} removed"),
              "changed": _("{count} changed")}
    counts = Counter(row.get("change", "changed") for row in rows)
    return ", ".join(labels[c].format(count=format_number(n)) for c, n in sorted(counts.items())
                     if c in labels)


def _more(rows: list[dict[str, Any]]) -> None:
    if len(rows) > SHOWN:
        click.echo("    " + _("... {count} more (salesflow plans diff --json)").format(
            count=format_number(len(rows) - SHOWN)))


def _kpis(rows: list[dict[str, Any]]) -> None:
    click.echo(_("  KPIs (plan 1 → plan 2, change):"))
    if not rows:
        click.echo("    " + _("no KPIs stored"))
    for row in rows:
        kpi = row["kpi"]
        if not row["changed"]:
            change = _(" ({change})").format(change=_("no change"))
        elif row["delta"] is None:
            change = ""
        else:
            change = _(" ({change})").format(
                change=format_kpi_value(kpi, row["delta"], signed=True))
        click.echo("    " + _("{kpi}: {before} → {after}{change}").format(
            kpi=kpi_label(kpi), before=format_kpi_value(kpi, row["before"]),
            after=format_kpi_value(kpi, row["after"]), change=change))


FIGURE_LABELS = {"vehicle_days": N_("vehicle-days"), "stops": N_("customer stops"),
                 "unserved": N_("unserved customers"), "km": N_("km"),
                 "shifts": N_("shifts"), "employees": N_("employees"), "hours": N_("hours")}


def _totals(rows: list[dict[str, Any]], part: str) -> str:
    return ", ".join(
        _("{figure} {before} → {after}").format(
            figure=_(FIGURE_LABELS[row["figure"]]),
            before=format_number(row["before"], 1 if row["figure"] in ("km", "hours") else 0),
            after=format_number(row["after"], 1 if row["figure"] in ("km", "hours") else 0))
        for row in rows if row["part"] == part)


def _purchases(rows: list[dict[str, Any]], week_1: str, week_2: str) -> None:
    click.echo(_("  Purchases of each plan's own week ({week_1} → {week_2}), per supplier and "
                 "SKU:").format(week_1=week_1, week_2=week_2))
    if not rows:
        click.echo("    " + _("no change"))
        return
    by_supplier: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_supplier.setdefault(row["supplier_id"], []).append(row)
    shown = 0
    for supplier, items in by_supplier.items():
        before = sum(r["value_before"] for r in items)
        after = sum(r["value_after"] for r in items)
        click.echo("    " + _("{supplier}: value of the changed lines {before} → {after}").format(
            supplier=_named(supplier, items[0]["supplier_name"]),
            before=format_number(before, 2), after=format_number(after, 2)))
        for row in items:
            if shown >= SHOWN:
                break
            click.echo("      " + _("{sku}: {before} → {after} units ({delta})").format(
                sku=_named(row["sku"], row["sku_name"]),
                before=format_number(row["quantity_before"]),
                after=format_number(row["quantity_after"]),
                delta=("+" if row["delta"] > 0 else "") + format_number(row["delta"])))
            shown += 1
    _more(rows)


def _routes(rows: list[dict[str, Any]], totals: list[dict[str, Any]], same_week: bool) -> None:
    click.echo(_("  Routes: {totals}").format(totals=_totals(totals, "routes")))
    if not same_week:
        return  # other days: the day-by-day comparison is in --json
    click.echo("    " + _("per day and vehicle: {counts}").format(
        counts=_counts(rows) or _("no change")))
    for row in rows[:SHOWN]:
        vehicle = row["vehicle_id"] if row["vehicle_id"] != "(unserved)" else _("unserved")
        click.echo("    " + _("{day}, {vehicle}: {before} → {after}").format(
            day=row["day"], vehicle=vehicle, before=row["stops_before"] or "—",
            after=row["stops_after"] or "—"))
    _more(rows)


def _roster(rows: list[dict[str, Any]], totals: list[dict[str, Any]], same_week: bool) -> None:
    click.echo(_("  Roster: {totals}").format(totals=_totals(totals, "roster")))
    if not same_week:
        return
    click.echo("    " + _("per employee and day: {counts}").format(
        counts=_counts(rows) or _("no change")))
    for row in rows[:SHOWN]:
        before = "—" if row["shift_id_before"] is None else \
            f"{row['shift_id_before']} ({row['role_before']})"
        after = "—" if row["shift_id_after"] is None else \
            f"{row['shift_id_after']} ({row['role_after']})"
        click.echo("    " + _("{employee}, {day}: {before} → {after}").format(
            employee=row["employee_id"], day=row["date"], before=before, after=after))
    _more(rows)


def print_diff(first: int, second: int, week_1: str, week_2: str,
               diff: dict[str, list[dict[str, Any]]]) -> None:
    """The human diff of ``diff`` (:func:`~salesflow.data.store.plan_diff.diff_plans`)."""
    from salesflow.data.store.plan_diff import same

    if same(diff):
        click.echo(_("Plans {first} and {second} are the same.").format(first=first,
                                                                        second=second))
        return
    click.echo(_("From plan {first} (week {week_1}) to plan {second} (week {week_2}):").format(
        first=first, second=second, week_1=week_1, week_2=week_2))
    _kpis(diff["kpi_changes"])
    _purchases(diff["week_purchases"], week_1, week_2)
    _routes(diff["routes"], diff["totals"], week_1 == week_2)
    _roster(diff["roster"], diff["totals"], week_1 == week_2)
    if week_1 != week_2:
        click.echo(_("  Routes and roster of different weeks are compared by their totals; "
                     "day by day in salesflow plans diff --json."))
    figures = len(diff["kpis"])
    if figures:
        click.echo(_("  {count} figures of kpis.json differ in all (salesflow plans diff "
                     "--json)").format(count=format_number(figures)))
