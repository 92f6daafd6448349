"""``salesflow bench ...``: the benchmark harness on public instances (DESIGN §4)."""

from __future__ import annotations

import click


@click.group("bench", epilog="""\b
Examples:
  salesflow bench forecast --data-dir ../shared/benchmarks/m3 --group monthly
""")
def bench_group() -> None:
    """Run salesflow's engines on public benchmark instances and report quality and time."""
