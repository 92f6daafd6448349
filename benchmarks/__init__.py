"""The benchmark harness: salesflow's engines on public benchmark data, beside their peers.

Every figure of BENCHMARKS.md is measured here. The modules that run salesflow alone
(``forecast_harness``, ``routing_harness``, ``staffing_harness``, ``purchase_bench``) are what
``salesflow bench ...`` calls; the scripts (``forecast_m3.py``, ``routing_bench.py``,
``staffing_bench.py``, ``purchase_bench.py``, ``weekly_cycle.py``) also run the peers
(statsforecast, PyVRP: ``pip install -e '.[bench]'``) and write their section of BENCHMARKS.md
through ``report``. Run them from the repository root as ``python benchmarks/<script>.py``.

The data is never part of salesflow: each benchmark takes its folder as an option, or from
``SALESFLOW_BENCHMARK_DATA`` (see :mod:`salesflow.benchmarks.locate`). Imports run one way:
the ``bench`` command imports this package, nothing here imports the CLI.
"""

from __future__ import annotations

from salesflow.benchmarks.locate import (
    DATA_ENV,
    data_folder,
    missing_data_message,
    reproducible,
    salesflow_command,
)

__all__ = ["DATA_ENV", "data_folder", "missing_data_message", "reproducible",
           "salesflow_command"]
