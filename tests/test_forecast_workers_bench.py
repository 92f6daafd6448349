"""benchmarks/forecast_workers.py: one real forecast in a fresh process, and the section it
writes."""

from __future__ import annotations

from pathlib import Path

from salesflow.benchmarks import forecast_workers
from salesflow.data.dataset import sample_data_dir


def test_one_forecast_runs_in_its_own_process_and_counts_every_sku() -> None:
    run = forecast_workers.measure_one(Path(sample_data_dir()), 1)
    skus = (Path(sample_data_dir()) / "skus.csv").read_text(encoding="utf-8").strip()
    assert run.workers == 1 and run.series == len(skus.splitlines()) - 1
    assert run.seconds > 0 and run.peak_rss_bytes > 0
    assert run.throughput == run.series / run.seconds


def test_the_section_gives_each_worker_count_its_throughput_and_the_ratio() -> None:
    runs = [forecast_workers.Measured(1, 1000, 100.0, 512 * 2**20),
            forecast_workers.Measured(2, 1000, 55.0, 600 * 2**20)]
    text = forecast_workers.section(runs, Path("/data/xl"), "python x.py", "low")
    assert "Command: `python x.py`" in text
    assert "| 1 | 1,000 | 100.0 | 10.0 | 512 |" in text
    assert "| 2 | 1,000 | 55.0 | 18.2 | 600 |" in text
    assert "2 workers over 1: **1.82×**" in text
