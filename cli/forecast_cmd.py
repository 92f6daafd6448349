"""``salesflow forecast``: demand per SKU and week of a dataset, or any long table."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import common_options, emit, use_dataset_language, wants_json
from salesflow.cli.stale import allow_stale_option, checked_freshness
from salesflow.data.i18n import N_, _, format_number

DEMAND_CLASSES = {"smooth": N_("smooth"), "erratic": N_("erratic"),
                  "intermittent": N_("intermittent"), "lumpy": N_("lumpy")}
"""The demand classes (ADI / CV²) named for people."""


def parse_quantiles(text: str | None) -> tuple[float, ...] | None:
    """``"0.1,0.5,0.9"`` as levels in (0, 1).

    Raises
    ------
    click.BadParameter
        If a level is not a number in (0, 1).
    """
    if text is None:
        return None
    levels = []
    for part in text.split(","):
        try:
            level = float(part)
        except ValueError:
            raise click.BadParameter(_(
                "must be numbers in (0, 1) separated by commas; got {value}").format(
                    value=repr(part.strip())), param_hint="--quantiles") from None
        if not 0 < level < 1:
            raise click.BadParameter(_("levels must lie in (0, 1); got {value}").format(
                value=level), param_hint="--quantiles")
        levels.append(level)
    return tuple(sorted(set(levels)))


class SeriesProgress:
    """A rich progress bar over series, on stderr, only for a terminal and not with --json."""

    def __init__(self, label: str) -> None:
        self.enabled = not wants_json() and sys.stderr.isatty()
        self.label = label
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> SeriesProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=True)
            self._progress.__enter__()
        return self

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task(self.label, total=total)
        self._progress.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def _summary(series: Any, pools: Any) -> dict[str, Any]:
    mase = series["backtest_mase"].dropna()
    return {"series": len(series),
            "classes": {str(k): int(v) for k, v in
                        series["demand_class"].value_counts().items()},
            "models": {str(k): int(v) for k, v in series["model"].value_counts().items()},
            "backtest_mase_median": float(mase.median()) if len(mase) else None,
            "pools": [{"classes": r.classes.split(","), "candidates": r.candidates.split(","),
                       "series": int(r.series), "chosen_on": int(r.chosen_on),
                       "model": r.model} for r in pools.itertuples()]}


def _pool_lines(pools: list[dict[str, Any]]) -> list[str]:
    """One line per pool of the model choice: its classes, series and chosen model, and the
    sample it chose on when it did not choose on all its series."""
    lines = []
    for pool in pools:
        classes = ", ".join(_(DEMAND_CLASSES[k]) if k in DEMAND_CLASSES else k
                            for k in pool["classes"])
        line = _("{classes} ({series} series): {model}").format(
            classes=classes, series=format_number(pool["series"]), model=pool["model"])
        if pool["chosen_on"] < pool["series"]:
            line += _(", chosen on a random sample of {count} series").format(
                count=format_number(pool["chosen_on"]))
        lines.append("  " + line)
    return lines


def _forecast_table(series_file: Path, horizon: int | None, season_length: int,
                    quantiles: tuple[float, ...] | None, windows: int, workers: int | None,
                    out: Path) -> dict[str, Any]:
    from salesflow.data.dataset.long_table import read_long_table
    from salesflow.data.outputs.writers import csv_bytes, rounded_forecast, write_atomic
    from salesflow.forecasting.engine import Forecaster

    if horizon is None:
        raise click.UsageError(_("--series needs --horizon (and --season-length for "
                                 "seasonal data)"))
    table = read_long_table(series_file)
    with SeriesProgress(_("forecast")) as progress:
        engine = Forecaster(horizon=horizon, season_length=season_length,
                            quantiles=quantiles or (0.1, 0.5, 0.9), n_windows=windows,
                            freq=table.freq, n_jobs=workers or 2, progress=progress,
                            source=table.file)
        frame = engine.forecast(table.frame)
    if table.freq is not None:
        frame["ds"] = frame["ds"].dt.strftime("%Y-%m-%d")
    write_atomic(out, csv_bytes(rounded_forecast(frame, significant=True)))
    return {"input": table.file, "horizon": horizon, "season_length": season_length,
            **_summary(engine.series_, engine.pools_)}


def _forecast_dataset(data_dir: Path | None, week: str | None, horizon: int | None,
                      quantiles: tuple[float, ...] | None, workers: int | None,
                      out: Path, allow_stale: bool) -> dict[str, Any]:

    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.dataset.config import iso_week
    from salesflow.data.dataset.overrides_input import planner_overrides
    from salesflow.data.outputs.writers import (
        csv_bytes,
        rounded_forecast,
        write_files_atomically,
    )
    from salesflow.forecasting.overrides import apply_overrides
    from salesflow.forecasting.stage import demand_forecast

    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    week_start = dataset.plan_week_start(week)
    warnings = list(checked_freshness(dataset, week_start, allow_stale).warnings)
    history = dataset.history_before(week_start)
    rules = planner_overrides(dataset, week_start)
    with SeriesProgress(_("forecast")) as progress:
        demand, series, pools = demand_forecast(dataset, history, week_start,
                                                horizon=horizon, quantiles=quantiles,
                                                n_jobs=workers, progress=progress)
    demand, applied = apply_overrides(demand, rules, dataset.skus.set_index("sku")["category"])
    table = demand.merge(series.drop(columns="model"), on="unique_id", how="left")
    table = table.rename(columns={"unique_id": "sku", "ds": "week_start"})
    table["week_start"] = table["week_start"].dt.strftime("%Y-%m-%d")
    files = {out.name: csv_bytes(rounded_forecast(table))}
    overrides_out = None
    if len(applied):  # the statistical forecast of each overridden SKU-week, beside
        overrides_out = out.with_name(f"{out.stem}_overrides_applied.csv")
        applied = applied.assign(week_start=applied["week_start"].dt.strftime("%Y-%m-%d"))
        files[overrides_out.name] = csv_bytes(rounded_forecast(applied))
    write_files_atomically(out.parent, files)
    return {"data": str(dataset.root), "week": iso_week(week_start),
            "week_start": week_start.isoformat(),
            "horizon": int(demand["ds"].nunique()), **_summary(series, pools),
            "overrides_applied": len(applied),
            "overrides_out": None if overrides_out is None else str(overrides_out),
            **({"warnings": warnings} if warnings else {})}


@click.command("forecast", epilog="""\b
Examples:
  salesflow forecast                              the bundled sample, horizon_weeks ahead (12)
  salesflow forecast --data shop --week 2026-W40 --out shop-forecast.csv
  salesflow forecast --series sales.csv --horizon 12 --season-length 12 --out fc.csv
  salesflow forecast --series m3.csv.gz --horizon 18 --season-length 12 --quantiles 0.05,0.95
\b
Dataset mode writes one row per SKU and week: sku, week_start, forecast, model, p10, p50,
p90, demand_class, backtest_mase, backtest_wape (units to 2 decimals, errors to 4), after
the planner's forecast_overrides; the SKU-weeks they changed, with the statistical forecast,
go to <out>_overrides_applied.csv. --series mode reads any long table unique_id, ds, y
(whole-number or YYYY-MM-DD ds) and writes unique_id, ds, forecast, model and the quantile
columns (6 significant digits). forecast is the point forecast purchasing plans on; p50 is
the median of the demand's distribution (below forecast for sporadic demand).
""")
@click.option("--series", "series_file", type=click.Path(path_type=Path), default=None,
              help="Forecast this long table (CSV, CSV.GZ, Parquet or XLSX with unique_id, "
                   "ds, y) instead of the dataset's sales.")
@click.option("--horizon", type=click.IntRange(min=1), default=None,
              help="Periods ahead. Dataset default: config.toml's planning.horizon_weeks; "
                   "required with --series.")
@click.option("--season-length", type=click.IntRange(min=1), default=1, show_default=True,
              help="Observations per season of the --series data (12 monthly, 52 weekly, "
                   "7 daily). Dataset mode uses config.toml's forecast.season_length.")
@click.option("--quantiles", default=None, metavar="LEVELS",
              help="Quantile levels, comma-separated (default 0.1,0.5,0.9 or config.toml's).")
@click.option("--week", default=None, metavar="YYYY-Www",
              help="Dataset mode: forecast from this ISO week on, using only earlier sales.")
@click.option("--windows", type=click.IntRange(min=0), default=1, show_default=True,
              help="--series mode: rolling-origin backtest windows per series (model choice, "
                   "quantile calibration, backtest error).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: config.toml's solver.workers, or 2).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("forecast.csv"),
              show_default=True, help="CSV file to write.")
@allow_stale_option
@common_options
def forecast_command(series_file: Path | None, horizon: int | None, season_length: int,
                     quantiles: str | None, week: str | None, windows: int,
                     workers: int | None, out: Path, allow_stale: bool, data_dir: Path | None,
                     store: str, as_json: bool) -> None:
    """Forecast demand with quantiles, the chosen model and its backtest error.

    Per series: classify the demand (smooth, erratic, intermittent, lumpy), backtest the
    candidate models of that class (Theta variants and ETS for regular demand, plus a global
    gradient-boosting model on datasets; naive, Theta, Croston, SBA, TSB, ADIDA, IMAPA and the
    global model for intermittent and lumpy demand), then take the median of the combination
    that backtests best over each pool of series (sMAPE for regular demand, MASE for
    intermittent and lumpy, whose quantiles come from the candidate with the lowest pooled
    pinball loss, chosen apart for lumpy and intermittent demand when each has 30 series),
    and calibrate the quantiles on the backtest errors.
    """
    levels = parse_quantiles(quantiles)
    started = time.perf_counter()
    if series_file is not None:
        result = _forecast_table(series_file, horizon, season_length, levels, windows,
                                 workers, out)
    else:
        result = _forecast_dataset(data_dir, week, horizon, levels, workers, out,
                                   allow_stale)
    seconds = round(time.perf_counter() - started, 1)
    payload = {"ok": True, "out": str(out), "seconds": seconds, **result}
    classes = ", ".join(f"{format_number(v)} {_(DEMAND_CLASSES[k]) if k in DEMAND_CLASSES else k}"
                        for k, v in result["classes"].items())
    models = ", ".join(f"{format_number(v)} {k}" for k, v in list(result["models"].items())[:4])
    mase = result["backtest_mase_median"]
    emit(payload, "\n".join([
        _("Forecast {series} series x {periods} periods in {seconds} s; wrote {out}").format(
            series=format_number(result["series"]), periods=result["horizon"],
            seconds=format_number(seconds, 1), out=out),
        "  " + _("demand classes: {classes}").format(classes=classes),
        "  " + _("models: {models}").format(models=models)
        + (" ..." if len(result["models"]) > 4 else ""),
        "  " + _("median backtest MASE: {mase}").format(
            mase=_("n/a") if mase is None else format_number(mase, 3)),
        *_pool_lines(result["pools"]),
        *(["  " + _("planner overrides: {count} SKU-weeks changed; statistical forecasts in "
                    "{file}").format(count=format_number(result["overrides_applied"]),
                                     file=result["overrides_out"])]
          if result.get("overrides_applied") else []),
    ]))
