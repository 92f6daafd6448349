"""benchmarks/scale.py: the worker knob it turns, the fit it states and the section it writes
(the runs themselves are the benchmark's: these tests check the arithmetic on given runs)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from salesflow.benchmarks import scale
from salesflow.data.dataset import load_dataset


def _run(size: str, skus: int, workers: int, seconds: float, forecast: float) -> scale.Run:
    stages = {name: {"stage": name, "seconds": 1.0, "peak_rss_bytes": 200 * scale.MiB,
                     "rss_growth_bytes": 10 * scale.MiB, "workers_peak_rss_bytes": 0}
              for name in scale.STAGES}
    stages["forecast"]["seconds"] = forecast
    return scale.Run(size, workers, skus, skus * 300, seconds, skus * 1000 + 100 * scale.MiB,
                     stages, skus, True)


def test_workers_are_set_where_weekly_reads_them(tiny_dir: Path) -> None:
    scale.with_workers(tiny_dir, 1)
    assert load_dataset(tiny_dir).config.solver.workers == 1
    scale.with_workers(tiny_dir, 3)
    assert load_dataset(tiny_dir).config.solver.workers == 3


def test_loglog_fit_recovers_the_exponent() -> None:
    skus = [20, 200, 2_000, 20_000]
    slope, intercept = scale.loglog_fit(skus, [0.5 * s ** 1.3 for s in skus])
    assert slope == pytest.approx(1.3)
    assert math.exp(intercept) == pytest.approx(0.5)
    assert scale.loglog_fit([200, 200], [1.0, 2.0]) is None


def test_cluster_estimate_follows_amdahl() -> None:
    one, two = _run("large", 20_000, 1, 600.0, 100), _run("large", 20_000, 2, 400.0, 55)
    # t(1M) = 1e6 ** 0.5 = 1000 s; 2 workers 2/3 of the time: parallel share 2/3
    lines = scale.cluster_estimate((0.5, 0.0), one, two)
    assert "67%" in lines[1]
    assert "one worker already plans" in lines[-1]
    # t(1M) = 1e6 ** 0.6 = 3981 s, serial third 1327 s: ceil(2654 / (1800 - 1327)) = 6
    assert "about 6 workers" in scale.cluster_estimate((0.6, 0.0), one, two)[-1]
    slow = scale.cluster_estimate((1.0, 0.0), one, _run("large", 20_000, 2, 590.0, 99))
    assert "no number of workers" in slow[-1]


def test_section_states_fit_and_forecast_speedup() -> None:
    result = scale.ScaleResult(runs=[
        _run("tiny", 20, 1, 20.0, 2.0), _run("tiny", 20, 2, 19.0, 1.9),
        _run("small", 200, 1, 40.0, 10.0), _run("small", 200, 2, 30.0, 5.5)])
    text = scale.section(result, "python benchmarks/scale.py --sizes tiny,small", "quiet")
    assert "Command: `python benchmarks/scale.py --sizes tiny,small`" in text
    assert "Time grows as SKUs^0.30" in text  # log(40/20) / log(10)
    assert "Forecast stage on small" in text and "**1.82x**" in text
    assert text.count("| tiny |") == 2 and text.count("| small |") == 2


@pytest.mark.parametrize(("text", "ok"), [("tiny,small", True), ("xlarge", True),
                                          ("huge", False), ("", False)])
def test_sizes_are_checked(text: str, ok: bool) -> None:
    if ok:
        assert set(scale.parse_sizes(text)) <= set(scale.SIZES)
    else:
        with pytest.raises(ValueError):
            scale.parse_sizes(text)
    with pytest.raises(ValueError):
        scale.parse_workers("0,1")
    assert scale.parse_workers("2,1") == (1, 2)
