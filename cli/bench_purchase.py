"""``salesflow bench purchase``: Wagner-Whitin, Trigeiro and generated datasets."""

from __future__ import annotations

from pathlib import Path

import click

PARTS = ("all", "ww", "trigeiro", "datasets")


@click.command("purchase", epilog="""\b
Examples:
  salesflow bench purchase --part ww --ww-count 50
  salesflow bench purchase --part trigeiro --time-limit 60
  flock /tmp/salesflow-bench.lock salesflow bench purchase --write
""")
@click.option("--part", type=click.Choice(PARTS), default="all", show_default=True,
              help="(a) ww: single SKU vs Wagner-Whitin; (b) trigeiro: capacitated instances "
                   "with known optima; (c) datasets: sample and medium vs the baselines.")
@click.option("--lotsizing-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("../shared/benchmarks/lotsizing"), show_default=True,
              help="Folder with known_values.csv and trigeiro1989/.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Solver time limit per instance / dataset, seconds.")
@click.option("--ww-count", type=click.IntRange(min=1), default=200, show_default=True,
              help="Random single-SKU instances for (a).")
@click.option("--medium-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="A medium dataset to use (default: generate one with seed 7).")
@click.option("--solvers", default="highs", show_default=True,
              help="Comma-separated MIP solvers for (b): highs, scip, cp-sat.")
@click.option("--write", is_flag=True, help="Write the tables into BENCHMARKS.md (purchase).")
def bench_purchase_command(part: str, lotsizing_dir: Path, time_limit: float, ww_count: int,
                           medium_dir: Path | None, solvers: str, write: bool) -> None:
    """Benchmark the purchase optimizer and write its BENCHMARKS.md section."""
    from salesflow.data.errors import UserError

    try:
        from salesflow.benchmarks import purchase_bench
        from salesflow.benchmarks.report import write_section
    except ImportError:
        raise UserError("the benchmarks need a source checkout of salesflow "
                        "(benchmarks/ next to the package)") from None
    if part in ("all", "trigeiro") and not (lotsizing_dir / "known_values.csv").is_file():
        raise UserError(f"{lotsizing_dir} has no known_values.csv; give --lotsizing-dir")
    parts = purchase_bench.PARTS if part == "all" else (part,)
    command = (f"salesflow bench purchase --part {part} --lotsizing-dir {lotsizing_dir} "
               f"--time-limit {time_limit:g} --ww-count {ww_count} --solvers {solvers}"
               + (f" --medium-dir {medium_dir}" if medium_dir else "")
               + (" --write" if write else ""))

    def say(text: str) -> None:
        click.echo(text, err=True)

    text = purchase_bench.run(parts, lotsizing_dir, time_limit, ww_count, medium_dir,
                              tuple(solvers.split(",")), command.strip(), say)
    click.echo(text)
    if write:
        write_section("purchase", text)
