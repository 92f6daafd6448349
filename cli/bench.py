"""``salesflow bench ...``: the benchmark harness on public instances (DESIGN §4)."""

from __future__ import annotations

import click

from salesflow.cli.bench_forecast import bench_forecast_command
from salesflow.cli.bench_purchase import bench_purchase_command
from salesflow.cli.bench_routing import bench_routing_command
from salesflow.cli.bench_staffing import bench_staffing_command


@click.group("bench", epilog="""\b
Examples:
  salesflow bench forecast --data-dir ../shared/benchmarks/m3 --group monthly
""")
def bench_group() -> None:
    """Run salesflow's engines on public benchmark instances and report quality and time."""


bench_group.add_command(bench_forecast_command)
bench_group.add_command(bench_purchase_command)
bench_group.add_command(bench_routing_command)
bench_group.add_command(bench_staffing_command)
