"""``salesflow bench ...``: the benchmark harness on public instances (DESIGN §4).

Only the options and the printing live here; what runs a benchmark, scores it and formats its
tables is :mod:`salesflow.benchmarks` (imported inside each command, so ``--help`` stays
instant). The public data is never bundled: every command takes its folder as an option or
from ``SALESFLOW_BENCHMARK_DATA``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from salesflow.benchmarks.locate import DATA_ENV
from salesflow.cli.common import emit, json_option, wants_json
from salesflow.data.i18n import _

GROUPS = ("yearly", "quarterly", "monthly", "other")
PURCHASE_PARTS = ("all", "ww", "trigeiro", "datasets")


def _data_folder(given: Path | None, subfolder: str, option: str, what: str) -> Path:
    """The folder of an option, else ``$SALESFLOW_BENCHMARK_DATA/<subfolder>``.

    Raises
    ------
    click.UsageError
        If neither is given (exit code 2), naming the option.
    """
    from salesflow.benchmarks import data_folder, missing_data_message

    folder = data_folder(given, subfolder)
    if folder is None:
        raise click.UsageError(missing_data_message(option, subfolder, what))
    return folder


@click.group("bench", epilog=f"""\b
Examples:
  salesflow bench forecast --data-dir DIR/m3 --group monthly
  {DATA_ENV}=DIR salesflow bench staffing --instances 1-4
\b
DIR is the folder of the public benchmark data (M3, Trigeiro lot sizing, Curtois & Qu,
Solomon and CVRPLIB X): give each command its folder, or set {DATA_ENV} to the folder
holding them as m3/, lotsizing/, staffing/ and vrp/.
""")
def bench_group() -> None:
    """Run salesflow's engines on public benchmark instances and report quality and time."""


@bench_group.command("forecast", epilog=f"""\b
Examples:
  salesflow bench forecast --data-dir DIR/m3 --group monthly
  salesflow bench forecast --data-dir DIR/m3 --group yearly --json
  {DATA_ENV}=DIR salesflow bench forecast --group monthly --limit 100 --out monthly.csv
\b
With the statsforecast peers and the BENCHMARKS.md table:
  python benchmarks/forecast_m3.py --data-dir DIR/m3 --groups monthly
""")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the M3 files (m3_<group>_train/test.csv.gz, m3_spec.json). "
                   f"Default: ${DATA_ENV}/m3; one of the two is required.")
@click.option("--group", type=click.Choice(GROUPS), default="monthly", show_default=True,
              help="M3 group: its horizon and season length come from m3_spec.json.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the first N series (by id), for a quick run.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Also write the per-series scores and chosen models as CSV.")
@json_option
def bench_forecast_command(data_dir: Path | None, group: str, workers: int, limit: int | None,
                           out: Path | None, as_json: bool) -> None:
    """Forecast an M3 group with salesflow's engine and report sMAPE, MASE, p10-p90
    coverage and wall time (the official split: the last h points of each series)."""
    from salesflow.benchmarks import forecast_harness
    from salesflow.cli.forecast_cmd import SeriesProgress
    from salesflow.data.outputs.writers import csv_bytes, write_atomic

    folder = _data_folder(data_dir, "m3", "--data-dir", "the M3 competition files")
    with SeriesProgress(f"M3 {group}") as progress:
        data, run = forecast_harness.run_m3(folder, group, workers, limit, progress)
    if out is not None:
        write_atomic(out, csv_bytes(run.series))
    payload = forecast_harness.summary(group, data, run, workers)
    emit(payload, forecast_harness.summary_line(payload))


@bench_group.command("purchase", epilog=f"""\b
Examples:
  salesflow bench purchase --part ww --ww-count 50
  salesflow bench purchase --part trigeiro --lotsizing-dir DIR/lotsizing --time-limit 60
  {DATA_ENV}=DIR flock /tmp/salesflow-bench.lock salesflow bench purchase --write
""")
@click.option("--part", type=click.Choice(PURCHASE_PARTS), default="all", show_default=True,
              help="(a) ww: single SKU vs Wagner-Whitin; (b) trigeiro: capacitated instances "
                   "with known optima; (c) datasets: sample and medium vs the baselines.")
@click.option("--lotsizing-dir", type=click.Path(path_type=Path, file_okay=False),
              default=None,
              help="Folder with known_values.csv and trigeiro1989/ (parts all and trigeiro). "
                   f"Default: ${DATA_ENV}/lotsizing; one of the two is required for them.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Solver time limit per instance / dataset, seconds.")
@click.option("--ww-count", type=click.IntRange(min=1), default=200, show_default=True,
              help="Random single-SKU instances for (a).")
@click.option("--medium-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="A medium dataset to use (default: generate one with seed 7).")
@click.option("--solvers", default="highs", show_default=True,
              help="Comma-separated MIP solvers for (b): highs, scip, cp-sat.")
@click.option("--write", is_flag=True, help="Write the tables into BENCHMARKS.md (purchase).")
def bench_purchase_command(part: str, lotsizing_dir: Path | None, time_limit: float,
                           ww_count: int, medium_dir: Path | None, solvers: str,
                           write: bool) -> None:
    """Benchmark the purchase optimizer and write its BENCHMARKS.md section."""
    from salesflow.benchmarks import purchase_bench
    from salesflow.benchmarks.report import write_section
    from salesflow.data.errors import UserError

    parts = purchase_bench.PARTS if part == "all" else (part,)
    folder = lotsizing_dir
    if "trigeiro" in parts:
        folder = _data_folder(lotsizing_dir, "lotsizing", "--lotsizing-dir",
                              "known_values.csv and trigeiro1989/")
        if not (folder / "known_values.csv").is_file():
            raise UserError(_("{folder} has no known_values.csv; give --lotsizing-dir").format(
                folder=folder))
    command = (f"salesflow bench purchase --part {part}"
               + (f" --lotsizing-dir {folder}" if folder is not None else "")
               + f" --time-limit {time_limit:g} --ww-count {ww_count} --solvers {solvers}"
               + (f" --medium-dir {medium_dir}" if medium_dir else "")
               + (" --write" if write else ""))

    def say(text: str) -> None:
        click.echo(text, err=True)

    text = purchase_bench.run(parts, folder, time_limit, ww_count, medium_dir,
                              tuple(solvers.split(",")), command.strip(), say)
    click.echo(text)
    if write:
        write_section("purchase", text)


@bench_group.command("routing", epilog="""\b
Examples:
  salesflow bench routing --instances DIR/vrp/solomon --time-limit 30
  salesflow bench routing --instances DIR/vrp/x --time-limit 60 --json
  salesflow bench routing --instances DIR/vrp/solomon --only C101,R101 \\
      --time-limit 10 --out rows.csv
""")
@click.option("--instances", "folder", type=click.Path(path_type=Path), required=True,
              help="Folder of Solomon (.txt) or VRPLIB CVRP (.vrp) instances.")
@click.option("--time-limit", type=float, default=30.0, show_default=True,
              help="Seconds per instance.")
@click.option("--bks", "bks_path", type=click.Path(path_type=Path), default=None,
              help="bks.csv of best-known solutions (default: beside the instances).")
@click.option("--only", default="", help="Comma-separated instance names to run.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", type=int, default=2, show_default=True,
              help="Parallel searches per instance.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Also write the rows to this CSV file.")
@json_option
def bench_routing_command(folder: Path, time_limit: float, bks_path: Path | None, only: str,
                          seed: int, workers: int, out: Path | None, as_json: bool) -> None:
    """Solve public VRP instances; report routes, distance, gap to the BKS, feasibility, time.

    Conventions: Solomon distances truncated to one decimal with the file's vehicle count;
    VRPLIB EUC_2D rounded, unlimited fleet (those of the published best-known solutions).
    """
    from salesflow.benchmarks import routing_harness
    from salesflow.cli.routes_cmd import ProgressBar
    from salesflow.data.instances.vrp_solutions import read_bks
    from salesflow.optimizer.limits import SolveLimits

    try:
        limits = SolveLimits(time_limit_seconds=time_limit, seed=seed, workers=workers)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    names = tuple(n.strip() for n in only.split(",") if n.strip())
    files = routing_harness.list_instances(folder, names)
    bks_file = bks_path or routing_harness.default_bks(folder)
    bks = read_bks(bks_file) if bks_file is not None else {}
    show = not wants_json()

    with ProgressBar(float(len(files)), "instances") as bar:
        def on_row(row: dict[str, Any]) -> None:
            if show:
                click.echo(routing_harness.row_line(row))
            bar.update(len(seen) + 1, row["instance"])
            seen.append(row["instance"])

        seen: list[str] = []
        rows = routing_harness.run_salesflow(files, limits, bks, on_row)
    if out is not None:
        routing_harness.write_rows(rows, out)
    totals = routing_harness.summary(rows)
    emit({"ok": totals["feasible"] == totals["instances"], "summary": totals, "rows": rows},
         routing_harness.summary_line(totals, time_limit))


@bench_group.command("staffing", epilog=f"""\b
Examples:
  salesflow bench staffing --data-dir DIR/staffing     Instances 1-8, 60 s each
  salesflow bench staffing --data-dir DIR/staffing --instances 1,2 --time-limit 20 --json
  {DATA_ENV}=DIR flock /tmp/salesflow-bench.lock salesflow bench staffing
""")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with curtois/, README.md (best known values) and "
                   f"erlang_c_reference.csv. Default: ${DATA_ENV}/staffing; one of the two is "
                   "required.")
@click.option("--instances", default="1-8", show_default=True,
              help="Curtois instance numbers, e.g. 1-4,7.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds per instance.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@json_option
def bench_staffing_command(data_dir: Path | None, instances: str, time_limit: float, seed: int,
                           as_json: bool) -> None:
    """Solve Curtois instances through the roster model (gap to best known, feasibility by an
    independent checker) and check Erlang C against its reference table."""
    import math

    from salesflow.benchmarks import staffing_harness
    from salesflow.optimizer.limits import SolveLimits

    try:
        numbers = staffing_harness.parse_instances(instances)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--instances") from None
    folder = _data_folder(data_dir, "staffing", "--data-dir",
                          "curtois/, README.md and erlang_c_reference.csv")
    limits = SolveLimits(time_limit, 2, seed, work_limit=math.inf)
    erlang = staffing_harness.run_erlang(folder / "erlang_c_reference.csv")

    def echo(row: dict[str, Any]) -> None:
        if not wants_json():
            click.echo(staffing_harness.row_line(row))

    rows = staffing_harness.run_curtois(folder, numbers, limits, echo)
    summary = staffing_harness.curtois_summary(rows)

    def human() -> None:
        for line in staffing_harness.summary_lines(summary, erlang):
            click.echo(line)

    emit({"ok": True, "curtois": rows, "summary": summary, "erlang_c": erlang,
          "time_limit": time_limit, "seed": seed}, human)


@bench_group.command("scale", epilog="""\b
Examples:
  salesflow bench scale --sizes tiny,small --workers 1,2
  flock /tmp/salesflow-bench.lock salesflow bench scale --write     tiny to xlarge
  salesflow bench scale --sizes xlarge --workers 2 --merge --write   xlarge's row only
""")
@click.option("--sizes", default="tiny,small,medium,large,xlarge", show_default=True,
              help="Comma-separated generated sizes, each run in turn.")
@click.option("--workers", default="1,2", show_default=True,
              help="Comma-separated worker counts ([solver] workers of each run).")
@click.option("--largest-workers", default=None,
              help="Worker counts of the largest size only (default: --workers), e.g. 2 to "
                   "leave out its one-worker run.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="weekly's --time-limit (default: the datasets' config.toml).")
@click.option("--work", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for the generated datasets and plan stores (default: temporary).")
@click.option("--merge", is_flag=True,
              help="Keep the section's rows of the sizes and worker counts this sweep does not "
                   "measure (each row names its sweep).")
@click.option("--write", is_flag=True, help="Write the figures into BENCHMARKS.md (scale).")
def bench_scale_command(sizes: str, workers: str, largest_workers: str | None,
                        time_limit: float | None, work: Path | None, merge: bool,
                        write: bool) -> None:
    """Generate each size, run salesflow weekly on it with each worker count and report time,
    peak memory, each stage's seconds, the growth with SKUs and the forecast's speed-up."""
    from salesflow.benchmarks import scale

    try:
        chosen = scale.parse_sizes(sizes)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--sizes") from None
    try:
        counts = scale.parse_workers(workers)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--workers") from None
    try:
        largest = scale.parse_workers(largest_workers) if largest_workers else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--largest-workers") from None
    try:
        text = scale.measure(chosen, counts, time_limit, work, write,
                             lambda line: click.echo(line, err=True),
                             program="salesflow bench scale", largest_workers=largest,
                             merge=merge)
    except scale.SectionDataError as exc:
        raise click.BadParameter(str(exc), param_hint="--merge") from None
    click.echo(text)
