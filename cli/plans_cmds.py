"""``salesflow plans list|show|diff``: the stored plans."""

from __future__ import annotations

from pathlib import Path

import click

from salesflow.cli.common import data_option, emit, json_option, store_option
from salesflow.cli.kpi_summary import _kpi_lines, _or_dash
from salesflow.data.i18n import N_, _, format_number

STATUS_LABELS = {"draft": N_("draft"), "applied": N_("applied"),
                 "superseded": N_("superseded")}
"""A stored plan's status in words (the code stays in --json)."""


@click.group("plans", epilog="""\b
Examples:
  salesflow plans list
  salesflow plans show 3 --json
""")
def plans_group() -> None:
    """List and inspect stored plans."""


@plans_group.command("list")
@data_option
@store_option
@json_option
def plans_list(data_dir: Path | None, store: str, as_json: bool) -> None:
    """List the plans in the store, oldest first (with --data, only those made from that
    dataset folder)."""
    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    records = plan_store.list_plans()
    if data_dir is not None:
        wanted = str(data_dir.resolve())
        records = [r for r in records if r.data_dir == wanted]

    def human() -> None:
        if not records:
            if data_dir is not None:
                click.echo(_("No plans made from {data} in {store} yet. Run: salesflow weekly")
                           .format(data=data_dir, store=store))
            else:
                click.echo(_("No plans in {store} yet. Run: salesflow weekly").format(
                    store=store))
            return
        head = [_("id"), _("week"), _("created (UTC)"), _("status"), _("lines this week"),
                _("route km"), _("targets")]
        click.echo(f"{head[0]:>4}  {head[1]:<8}  {head[2]:<20}  {head[3]:<10}  {head[4]:>15}  "
                   f"{head[5]:>9}  {head[6]}")
        for r in records:
            s = r.summary
            line = "  ".join([
                f"{r.id:>4}", f"{r.week:<8}", f"{r.created_at:<20}",
                f"{_(STATUS_LABELS.get(r.status, r.status)):<10}",
                f"{_or_dash(s.get('purchase_lines_this_week', '')):>15}",
                f"{_or_dash(s.get('route_km', '')):>9}",
                _("{met}/{targets} met").format(met=s.get("targets_met", "?"),
                                                 targets=s.get("targets", "?"))])
            click.echo(line + (f"  [{_(s['what_if'])}]" if s.get("what_if") else ""))

    emit({"ok": True, "store": store,
          "plans": [dict(r.to_dict(), folder=str(plan_store.plan_path(r.id))) for r in records]},
         human)


@plans_group.command("show")
@click.argument("plan_id", type=int, metavar="ID")
@data_option
@store_option
@json_option
def plans_show(plan_id: int, data_dir: Path | None, store: str, as_json: bool) -> None:
    """Show one plan: its metadata, files and KPIs. With --data, also whether that dataset
    still holds the inputs the plan was made from."""
    import json

    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    record = plan_store.get_plan(plan_id)
    kpis = json.loads(plan_store.read_file(plan_id, "kpis.json"))
    folder = plan_store.plan_path(plan_id)
    unchanged = None
    if data_dir is not None:
        from salesflow.data.dataset import load_dataset

        unchanged = load_dataset(data_dir).fingerprint == record.fingerprint

    def human() -> None:
        click.echo(_("Plan {id}  week {week}  status {status}  created {created}").format(
            id=record.id, week=record.week, status=_(STATUS_LABELS.get(record.status,
                                                                         record.status)),
            created=record.created_at))
        click.echo("  " + _("data {data}  fingerprint {fingerprint}").format(
            data=record.data_dir, fingerprint=record.fingerprint[:16]))
        if unchanged is not None:
            click.echo("  " + (_("inputs in {data}: unchanged since this plan") if unchanged
                               else _("inputs in {data}: changed since this plan")).format(
                data=data_dir))
        click.echo("  " + _("files in {folder}:").format(folder=folder))
        for f in record.files:
            click.echo(f"    {f.name:<22} " + _("{size} bytes").format(
                size=f"{format_number(f.size):>10}"))
        click.echo("\n".join(_kpi_lines(kpis)))

    emit({"ok": True, "plan": record.to_dict(), "folder": str(folder),
          "inputs_unchanged": unchanged, "kpis": kpis}, human)


@plans_group.command("diff", epilog="""\b
Examples:
  salesflow plans diff 3 4
  salesflow plans diff 3 4 --json | jq .week_purchases
""")
@click.argument("first", type=int, metavar="ID1")
@click.argument("second", type=int, metavar="ID2")
@store_option
@json_option
def plans_diff(first: int, second: int, store: str, as_json: bool) -> None:
    """What changed from plan ID1 to plan ID2: the seven KPIs first, then each plan's own
    week of purchases per supplier and SKU, then routes and roster (every line and figure
    with --json)."""
    from salesflow.cli.plans_diff_text import print_diff
    from salesflow.data.store.plan_diff import diff_plans
    from salesflow.data.store.plan_store import PlanStore

    plan_store = PlanStore(store)
    files = []
    weeks = []
    for plan_id in (first, second):
        record = plan_store.get_plan(plan_id)
        weeks.append(record.week)
        files.append({f.name: plan_store.read_file(plan_id, f.name) for f in record.files
                      if f.name.endswith((".csv", ".json"))})
    diff = diff_plans(files[0], files[1])
    emit({"ok": True, "from": first, "to": second, **diff},
         lambda: print_diff(first, second, weeks[0], weeks[1], diff))
