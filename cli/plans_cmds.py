"""``salesflow plans list|show|diff``: the stored plans."""

from __future__ import annotations

from pathlib import Path

import click

from salesflow.cli.common import data_option, emit, json_option, store_option
from salesflow.cli.kpi_summary import _kpi_lines, _or_dash


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
            source = f" made from {data_dir}" if data_dir is not None else ""
            click.echo(f"No plans{source} in {store} yet. Run: salesflow weekly")
            return
        click.echo(f"{'id':>4}  {'week':<8}  {'created (UTC)':<20}  {'status':<10}  "
                   f"{'lines':>5}  {'route km':>9}  targets")
        for r in records:
            s = r.summary
            click.echo(f"{r.id:>4}  {r.week:<8}  {r.created_at:<20}  {r.status:<10}  "
                       f"{_or_dash(s.get('purchase_lines_this_week', '')):>5}  "
                       f"{_or_dash(s.get('route_km', '')):>9}  "
                       f"{s.get('targets_met', '?')}/{s.get('targets', '?')} met"
                       + (f"  [{s['what_if']}]" if s.get("what_if") else ""))

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
        click.echo(f"Plan {record.id}  week {record.week}  status {record.status}  "
                   f"created {record.created_at}")
        click.echo(f"  data {record.data_dir}  fingerprint {record.fingerprint[:16]}")
        if unchanged is not None:
            click.echo(f"  inputs in {data_dir}: "
                       + ("unchanged since this plan" if unchanged else "changed since this plan"))
        click.echo(f"  files in {folder}:")
        for f in record.files:
            click.echo(f"    {f.name:<22} {f.size:>10,} bytes")
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
