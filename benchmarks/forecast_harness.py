"""``salesflow bench forecast``: the engine on an M3 group, scored the M3 way.

The statsforecast peers run in ``benchmarks/forecast_m3.py`` (never imported here); this
command measures salesflow alone.
"""

from __future__ import annotations

from pathlib import Path

import click

from salesflow.cli.common import emit, json_option

GROUPS = ("yearly", "quarterly", "monthly", "other")
DEFAULT_M3 = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "m3"


@click.command("forecast", epilog="""\b
Examples:
  salesflow bench forecast --group monthly
  salesflow bench forecast --data-dir ../shared/benchmarks/m3 --group yearly --json
  salesflow bench forecast --group monthly --limit 100 --out monthly.csv
\b
With the statsforecast peers and the BENCHMARKS.md table:
  python benchmarks/forecast_m3.py --groups monthly
""")
@click.option("--data-dir", type=click.Path(path_type=Path), default=DEFAULT_M3,
              show_default="../shared/benchmarks/m3 beside the repository",
              help="Folder with the M3 files (m3_<group>_train/test.csv.gz, m3_spec.json).")
@click.option("--group", type=click.Choice(GROUPS), default="monthly", show_default=True,
              help="M3 group: its horizon and season length come from m3_spec.json.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the first N series (by id), for a quick run.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Also write the per-series scores and chosen models as CSV.")
@json_option
def bench_forecast_command(data_dir: Path, group: str, workers: int, limit: int | None,
                           out: Path | None, as_json: bool) -> None:
    """Forecast an M3 group with salesflow's engine and report sMAPE, MASE, p10-p90
    coverage and wall time (the official split: the last h points of each series)."""
    from salesflow.cli.forecast_cmd import SeriesProgress
    from salesflow.data.instances.m3 import read_m3
    from salesflow.data.outputs.writers import csv_bytes, write_atomic
    from salesflow.forecasting.evaluation import run_engine

    data = read_m3(data_dir, group)
    if limit is not None:
        data = data.head(limit)
    with SeriesProgress(f"M3 {group}") as progress:
        run = run_engine(data.train, data.test, data.horizon, data.season_length,
                         n_jobs=workers, progress=progress)
    if out is not None:
        write_atomic(out, csv_bytes(run.series))
    s = run.scores
    payload = {"ok": True, "group": group, "series": s.n_series, "horizon": data.horizon,
               "season_length": data.season_length, "smape": s.smape, "mase": s.mase,
               "coverage_p10_p90": s.coverage, "seconds": round(run.seconds, 1),
               "workers": workers,
               "models": {str(k): int(v) for k, v in run.series["model"].value_counts()
                          .head(5).items()}}
    emit(payload, f"M3 {group}: {s.n_series} series, h={data.horizon}: sMAPE {s.smape:.2f}, "
                  f"MASE {s.mase:.3f}, p10-p90 coverage {s.coverage:.1%}, "
                  f"{run.seconds:.1f} s with {workers} workers")
