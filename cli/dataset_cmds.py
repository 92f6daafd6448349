"""``salesflow init`` and ``salesflow validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import (
    common_options,
    emit,
    json_option,
    pad,
    stage_name,
    use_dataset_language,
)
from salesflow.data.i18n import _, format_date, format_number

SIZES = ("tiny", "small", "medium", "large", "xlarge")
BIG_SIZES = frozenset({"xlarge"})
"""Sizes written as Parquet unless --format says otherwise (CSV would take gigabytes)."""


@click.command("init", epilog="""\b
Examples:
  salesflow init shop                      a small dataset (200 SKUs) in ./shop
  salesflow init big --size large --seed 3 --format parquet
""")
@click.argument("folder", type=click.Path(path_type=Path), required=False)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="The folder to write (instead of the FOLDER argument).")
@click.option("--size", type=click.Choice(SIZES), default="small", show_default=True,
              help="tiny 20 SKUs / 15 customers, small 200 / 60, medium 2,000 / 300, "
                   "large 20,000 / 1,500, xlarge 100,000 / 5,000 (26M order lines); two years "
                   "of history each.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Same seed, same bytes.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx"]), default=None,
              help="File format of the tables. Default: csv; parquet for xlarge.")
@click.option("--force", is_flag=True, help="Write into FOLDER even if it is not empty.")
@json_option
def init_command(folder: Path | None, data_dir: Path | None, size: str, seed: int,
                 fmt: str | None, force: bool, as_json: bool) -> None:
    """Write a synthetic planning dataset into FOLDER.

    The data is realistic: trend, yearly and weekly seasonality, promotions, ABC skew, a long
    tail of intermittent SKUs, suppliers with lead times, MOQs, packs and price breaks,
    customers around a city with delivery windows, a mixed fleet and warehouse staff.
    """
    from salesflow.data.dataset.folder import check_target, write_dataset_folder
    from salesflow.data.generator import generate_dataset, write_dataset

    if (folder is None) == (data_dir is None):
        raise click.UsageError(_("give the folder to write, as FOLDER or as --data (not "
                                 "both)"))
    folder = folder or data_dir
    assert folder is not None
    check_target(folder, force)
    chosen = fmt or ("parquet" if size in BIG_SIZES else "csv")
    dataset = generate_dataset(size, seed)
    written = write_dataset_folder(folder, lambda tmp: write_dataset(dataset, tmp, chosen))
    files = sorted(p.name for p in written)
    rows = {name: len(frame) for name, frame in dataset.tables.items()}
    text = _("Wrote a {size} dataset (seed {seed}) to {folder}: {skus} SKUs, {customers} "
             "customers, {lines} order lines in {files} files.\nNext: salesflow validate "
             "--data {folder}").format(
        size=size, seed=seed, folder=folder, skus=format_number(rows["skus"]),
        customers=format_number(rows["customers"]), lines=format_number(rows["sales"]),
        files=len(files))
    if fmt is None and chosen != "csv":
        text = _("The {size} size is written as Parquet (CSV would be several gigabytes; "
                 "--format csv to insist).").format(size=size) + "\n" + text
    emit({"ok": True, "folder": str(folder), "size": size, "seed": seed, "format": chosen,
          "files": files, "rows": rows}, text)


@click.command("validate", epilog="""\b
Examples:
  salesflow validate                       check the bundled sample
  salesflow validate --data shop --json    every problem as JSON (exit code 2 if any)
""")
@common_options
def validate_command(data_dir: Path | None, store: str, as_json: bool) -> None:
    """Check a dataset and report every problem (file, row, column, value, rule).

    Only sales, skus and suppliers are required. Every other table may be absent (or have a
    header only): validate says what the plan then takes as given (no inventory: stock taken
    as 0) and which weekly stages are skipped (no vehicles: no routes). Also lists the plans
    in --store that were made from exactly these inputs.
    """
    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.dataset.config import iso_week
    from salesflow.data.store.plan_store import PlanStore

    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    planned = [r.id for r in PlanStore(store).list_plans()
               if r.fingerprint == dataset.fingerprint]
    tables: dict[str, dict[str, Any]] = {
        name: {"file": dataset.files[name], "rows": len(frame),
               "defaults": name in dataset.defaulted}
        for name, frame in dataset.tables.items()}
    notes, skipped = dataset.notes(), dataset.skipped_stages
    payload: dict[str, Any] = {
        "ok": True,
        "data": str(dataset.root),
        "fingerprint": dataset.fingerprint,
        "history": {"first": dataset.history_start.isoformat(),
                    "last": dataset.history_end.isoformat()},
        "plan_week": iso_week(dataset.plan_week_start()),
        "tables": tables,
        "absent_tables": list(dataset.absent_tables),
        "notes": notes,
        "skipped_stages": skipped,
        "plans_from_these_inputs": planned,
    }

    def human() -> None:
        click.echo(_("{folder}: valid.").format(folder=dataset.root))
        for name, info in tables.items():
            source = Path(info["file"]).name if info["file"] else _("(absent)")
            if info["defaults"]:
                source = _("{source} -> the manual's defaults").format(source=source)
            rows = _("{rows} rows").format(rows=format_number(info["rows"]))
            click.echo(f"  {name:<14} {pad(rows, 14, '>')}  {source}")
        if notes:
            click.echo(_("Taken as given (the data does not say):"))
            click.echo("\n".join(f"  {line}" for line in notes))
        for stage, reason in skipped.items():
            click.echo(_("weekly skips {stage}: {reason}").format(stage=stage_name(stage),
                                                                   reason=reason))
        click.echo(_("History {first} to {last}; next plan week {week}.").format(
            first=format_date(dataset.history_start), last=format_date(dataset.history_end),
            week=payload["plan_week"]))
        if planned:
            click.echo(_("Plans in {store} made from exactly these inputs: {plans}").format(
                store=store, plans=", ".join(map(str, planned))))

    emit(payload, human)
