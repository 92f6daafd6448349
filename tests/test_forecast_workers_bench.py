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
    # one process, no workers: at most one core busy, and some of it
    assert run.cpu_seconds > 0 and 0 < run.busy_cores <= 1.1


def test_the_section_gives_each_worker_count_its_throughput_and_the_ratio() -> None:
    runs = [forecast_workers.Measured(1, 1000, 100.0, 512 * 2**20, 0, 99.0),
            forecast_workers.Measured(2, 1000, 55.0, 600 * 2**20, 0, 104.5)]
    text = forecast_workers.section(runs, Path("/data/xl"), "python x.py", "low")
    assert "Command: `python x.py`" in text
    assert "| 1 | 1 | 1,000 | 100.0 | 10.0 | 99.0 | 0.99 | 512 |" in text
    assert "| 1 | 2 | 1,000 | 55.0 | 18.2 | 104.5 | 1.90 | 600 |" in text
    assert "2 workers over 1: **1.82×** the throughput (same run)" in text


def test_rounds_alternate_the_order_of_the_worker_counts() -> None:
    assert forecast_workers.schedule((1, 2), 1) == [(0, 1), (0, 2)]
    assert forecast_workers.schedule((1, 2), 2) == [(0, 1), (0, 2), (1, 2), (1, 1)]
    assert forecast_workers.schedule((1, 2), 3, descending=True) == \
        [(0, 2), (0, 1), (1, 1), (1, 2), (2, 2), (2, 1)]


def test_over_several_rounds_the_ratio_is_of_the_total_throughputs() -> None:
    # the machine slows by half between the rounds: 1, 2 at full speed, then 2, 1 at half
    runs = [forecast_workers.Measured(1, 1000, 100.0, 1, 0),
            forecast_workers.Measured(2, 1000, 50.0, 1, 0),
            forecast_workers.Measured(2, 1000, 100.0, 1, 1),
            forecast_workers.Measured(1, 1000, 200.0, 1, 1)]
    text = forecast_workers.section(runs, Path("/data/xl"), "python x.py", "low")
    # 2,000 series in 300 s against 2,000 in 150 s
    assert "2 workers over 1: **2.00×** the throughput over all 2 rounds " \
        "(by round: 2.00×, 2.00×) (same run)." in text
    assert text.index("| 2 | 2 | 1,000 | 100.0 |") < text.index("| 2 | 1 | 1,000 | 200.0 |")
