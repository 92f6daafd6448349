"""``salesflow tradeoff``: the purchase plan's cost and fill rate against inventory turnover."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import (
    TIME_LIMIT_HELP,
    common_options,
    emit,
    tradeoff_progress,
    use_dataset_language,
)
from salesflow.data.i18n import N_, _, format_date, format_number, format_percent
from salesflow.data.outputs.kpi_text import rule_label
from salesflow.optimizer.limits import TRADEOFF_POINT_SECONDS

LABELS = {"today's plan": N_("today's plan"), "chosen": N_("chosen"), "target": N_("target"),
          "gives up safety stock": N_("gives up safety stock")}
"""The words of a point's label (``optimizer.tradeoff``; the JSON keeps them in English)."""


def _label(text: str) -> str:
    return ", ".join(_(LABELS[part]) if part in LABELS else part
                     for part in str(text).split(", ") if part)


def _print(summary: dict[str, Any]) -> None:
    import datetime as dt

    from salesflow.data.outputs.report_tradeoff import tradeoff_sentence

    click.echo(_("Turnover trade-off for the {weeks} weeks from {week_start} (net procurement "
                 "cost by the one accounting; baseline {baseline}):").format(
        weeks=summary["horizon_weeks"],
        week_start=format_date(dt.date.fromisoformat(summary["week_start"])),
        baseline=rule_label(summary["baseline"])))
    headers = [_("point"), _("turnover/month"), _("fill rate"), _("net cost"), _("vs today"),
               _("vs baseline"), _("price breaks given up"), _("extra orders"),
               _("keeps every rule"), _("label")]
    click.echo("| " + " | ".join(headers) + " |")
    click.echo("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")

    def pct(value: float | None) -> str:
        return "-" if value is None else format_percent(value, 2, signed=True)

    for p in summary["points"]:
        turnover, fill = p["turnover_per_month"], p["fill_rate"]
        extra = p["extra_orders"]
        cells = [str(p["point"]), "-" if turnover is None else format_number(turnover, 2),
                 "-" if fill is None else format_percent(fill, 2),
                 format_number(p["net_cost"], 2), pct(p["change_vs_today"]),
                 pct(p["change_vs_baseline"]), format_number(p["price_breaks_given_up"], 2),
                 f"{'+' if extra >= 0 else ''}{format_number(extra)}",
                 _("yes") if p["feasible"] else _("no"), _label(p["label"])]
        click.echo("| " + " | ".join(cells) + " |")
    click.echo("")
    click.echo(tradeoff_sentence(summary))  # as the trade-off page says it
    for conflict in summary["conflicts"]:
        click.echo(_("Targets in conflict: {conflict}").format(conflict=conflict))
    if summary.get("folder"):
        click.echo("\n" + _("Files in {folder}: {files}").format(
            folder=summary["folder"], files="tradeoff.json, tradeoff.csv, tradeoff.html"))


@click.command("tradeoff", epilog="""\b
Examples:
  salesflow tradeoff                          the frontier on the sample's plan week
  salesflow tradeoff --points 8 --json        eight points or more, as JSON
  salesflow tradeoff --data shop --week 2026-W40 --time-limit 30
""")
@click.option("--week", default=None, metavar="YYYY-Www",
              help="Week to plan (default: as `weekly`).")
@click.option("--points", type=click.IntRange(min=2, max=30), default=6, show_default=True,
              help="Least number of points on the frontier (each one purchase solve).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help=TIME_LIMIT_HELP + f" Here: each point's purchase solve (default: "
                   f"{TRADEOFF_POINT_SECONDS:g} s or the config's limit if lower).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for tradeoff.json, tradeoff.csv and tradeoff.html (default: "
                   "STORE/tradeoff/WEEK).")
@common_options
def tradeoff_command(week: str | None, points: int, time_limit: float | None,
                     out_dir: Path | None, data_dir: Path | None, store: str,
                     as_json: bool) -> None:
    """Trace the purchase plan's net cost and fill rate against inventory turnover.

    The turnover target (config.toml [targets] inventory_turnover_per_month) is a limit on the
    average stock value: projected cost of goods sold / months / target. Each point prices
    stock value a little more, re-plans, re-checks the plan's rules and costs it by the one
    accounting (net of the change in stock value, against the company's rule of [baseline]),
    from today's plan to the target and beyond. Kept: plans breaking no more rules than
    today's, where turnover and cost rise together (a dominated plan is dropped).
    The target's point says what it costs ("turnover 4 costs +X %: price breaks given up Y,
    extra orders Z; fill rate W %"), and targets that cannot be met together are named.
    """
    import pandas as pd

    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.outputs.report_tradeoff import tradeoff_page
    from salesflow.data.outputs.writers import csv_bytes, json_bytes, write_files_atomically
    from salesflow.optimizer.pipeline import purchase_run
    from salesflow.optimizer.tradeoff_run import plan_frontier, point_limits

    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    limits = point_limits(dataset.config, time_limit)
    seconds = limits.time_limit_seconds
    progress = tradeoff_progress()
    run = purchase_run(dataset, limits, week=week)
    traced = plan_frontier(dataset.config, run.result, limits, points=points,
                           progress=progress)
    summary = {"ok": True, "week": run.context.week, **traced.to_dict(),
               "time_limit_s": seconds}
    folder = out_dir or Path(store) / "tradeoff" / run.context.week
    write_files_atomically(folder, {
        "tradeoff.json": json_bytes(summary),
        "tradeoff.csv": csv_bytes(pd.DataFrame(summary["points"])),
        "tradeoff.html": tradeoff_page(summary, _(
            "salesflow turnover trade-off - week {week}").format(
                week=run.context.week)).encode("utf-8")})
    summary["folder"] = str(folder)
    emit(summary, lambda: _print(summary))
