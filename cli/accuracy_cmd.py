"""``salesflow accuracy``: the forecasts of past plans against the sales that arrived since."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from salesflow.cli.common import common_options, emit, pad, use_dataset_language
from salesflow.cli.forecast_cmd import DEMAND_CLASSES
from salesflow.data.i18n import N_, _, format_date, format_number

if TYPE_CHECKING:
    import pandas as pd

    from salesflow.data.store.plan_store import PlanStore
    from salesflow.forecasting.accuracy import AccuracyReport, PastForecast

APPLIED_FILE = "forecast_overrides_applied.csv"
SHOWN = {"mase": "MASE", "mase_statistical": N_("MASE stat"), "mase_naive": N_("MASE naive"),
         "wape": "WAPE", "wape_statistical": N_("WAPE stat"), "bias": N_("bias"),
         "fva_overrides": N_("FVA overr"), "fva_statistical": N_("FVA stat")}
"""Columns of the terminal table and their headers (final, statistical, seasonal naive)."""


def _read_csv(plan_store: PlanStore, plan_id: int, name: str) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(io.BytesIO(plan_store.read_file(plan_id, name)), dtype={"sku": str})


def _past_forecasts(plan_store: PlanStore, since: str | None) -> tuple[list[PastForecast],
                                                                        list[str]]:
    """The last plan made for each week (from ``since`` on), with its forecast files."""

    from salesflow.data.dataset.config import parse_iso_week
    from salesflow.forecasting.accuracy import PastForecast, plan_forecast_frame

    first = None
    if since is not None:
        try:
            first = parse_iso_week(since)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from None
    latest = {}
    for record in plan_store.list_plans():  # ordered by id: a later plan replaces
        if first is None or parse_iso_week(record.week) >= first:
            latest[record.week] = record
    plans, notes = [], []
    for week in sorted(latest, key=parse_iso_week):
        record = latest[week]
        names = {f.name for f in record.files}
        if "forecast.csv" not in names:
            notes.append(_("plan {plan_id} ({week}) has no forecast.csv: not scored").format(
                plan_id=record.id, week=week))
            continue

        applied = _read_csv(plan_store, record.id, APPLIED_FILE) if APPLIED_FILE in names \
            else None
        forecast = _read_csv(plan_store, record.id, "forecast.csv")
        plans.append(PastForecast(record.id, week, plan_forecast_frame(forecast, applied)))
    return plans, notes


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (v.date().isoformat() if hasattr(v, "date") else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def _fmt(value: float) -> str:
    return _("n/a") if math.isnan(value) else format_number(value, 3)


def _lines(report: AccuracyReport, notes: list[str]) -> list[str]:
    lines = [_("Forecast accuracy of {weeks} plan week(s) against the sales up to "
               "{last_sale}").format(weeks=report.by_week["plan_id"].nunique(),
                                     last_sale=format_date(report.history_end))]
    week, plan, skus, every = _("week"), _("plan"), _("skus"), _("all weeks")
    header = f"  {pad(week, 9)} {pad(plan, 4, '>')} {pad(skus, 5, '>')} " + " ".join(
        pad(_(h), 10, ">") for h in SHOWN.values())
    lines.append(header)
    for row in report.by_week.itertuples(index=False):
        values = " ".join(f"{_fmt(getattr(row, c)):>10}" for c in SHOWN)
        lines.append(f"  {row.plan_week:<9} {row.plan_id:>4} {row.points:>5} {values}")
    for row in report.overall.itertuples(index=False):
        values = " ".join(f"{_fmt(getattr(row, c)):>10}" for c in SHOWN)
        lines.append(f"  {pad(every, 9)} {'':>4} {row.points:>5} {values}   "
                     + _("(every lead)"))
    if len(report.by_class):
        lines.append("  " + _("by demand class (every lead): {classes}").format(
            classes="; ".join(_("{demand_class} MASE {mase} (statistical {statistical}, naive "
                                "{naive})").format(
                demand_class=_(DEMAND_CLASSES[r.demand_class])
                if r.demand_class in DEMAND_CLASSES else r.demand_class,
                mase=_fmt(r.mase), statistical=_fmt(r.mase_statistical),
                naive=_fmt(r.mase_naive)) for r in report.by_class.itertuples(index=False))))
    lines += [f"  {line}" for line in report.pending_lines() + notes]
    return lines


@click.command("accuracy", epilog="""\b
Examples:
  salesflow accuracy                           every stored plan vs the bundled sample
  salesflow accuracy --data shop --since 2026-W40 --out shop-accuracy.html
  salesflow accuracy --json | jq '.by_week[] | {plan_week, mase, fva_overrides}'
\b
A week is scored once the sales history reaches into it (as `weekly` treats the week of the
last sale); later weeks are listed as "no sales yet", never scored as zero. For each week
planned the last plan made for it is used.
""")
@click.option("--since", default=None, metavar="YYYY-Www",
              help="Only plans for this ISO week and later.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("accuracy.html"),
              show_default=True, help="HTML page to write (the tables below, for people).")
@common_options
def accuracy_command(since: str | None, out: Path, data_dir: Path | None, store: str,
                     as_json: bool) -> None:
    """Compare the forecasts stored in past plans with the sales that arrived since.

    Per plan week (the forecast of the week the plan was made for), per forecast lead, demand
    class and model: MASE, WAPE and bias of the forecast purchasing used (after planners'
    overrides), of the statistical forecast under it and of the seasonal naive, and the
    forecast value added (fva_overrides = MASE statistical - final; fva_statistical = MASE
    naive - statistical). Read it before trusting next week's plan.
    """
    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.outputs.report_accuracy import render_accuracy_page
    from salesflow.data.outputs.writers import write_atomic
    from salesflow.data.store.plan_store import PlanStore
    from salesflow.forecasting.accuracy import forecast_accuracy

    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    plans, notes = _past_forecasts(PlanStore(store), since)
    report = forecast_accuracy(dataset.sales, dataset.skus["sku"].tolist(), plans,
                               dataset.config.forecast.season_length)
    notes += report.notes
    tables = {_("By plan week (forecast of the week planned)"): report.by_week,
              _("By forecast lead (weeks ahead)"): report.by_lead,
              _("By demand class"): report.by_class, _("By model"): report.by_model,
              _("All scored weeks"): report.overall}
    page = render_accuracy_page(
        _("salesflow forecast accuracy"),
        _("{plans} plan(s) from {store}; sales in {data} up to {last_sale}").format(
            plans=len(plans), store=store, data=dataset.root,
            last_sale=format_date(report.history_end)),
        tables, report.pending_lines() + notes)
    write_atomic(out, page.encode("utf-8"))
    payload = {"ok": True, "store": store, "data": str(dataset.root),
               "history_end": report.history_end, "plans": len(plans), "out": str(out),
               **{key: _records(frame) for key, frame in (
                   ("by_week", report.by_week), ("by_lead", report.by_lead),
                   ("by_class", report.by_class), ("by_model", report.by_model),
                   ("overall", report.overall))},
               "pending": [{"week": r.week, "week_start": r.week_start.date().isoformat(),
                            "plans": list(r.plans), "status": "no sales yet"}
                           for r in report.pending.itertuples(index=False)],
               "notes": notes}

    def human() -> None:
        if not plans:
            click.echo((_("No plans for {week} or later in {store}. Run: salesflow weekly "
                          "--week YYYY-Www") if since else
                        _("No plans in {store}. Run: salesflow weekly --week YYYY-Www")).format(
                week=since, store=store))
            return
        click.echo("\n".join(_lines(report, notes)))
        click.echo("  " + _("wrote {file}").format(file=out))

    emit(payload, human)
