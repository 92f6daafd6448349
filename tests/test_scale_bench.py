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


def _staged(size: str, skus: int, workers: int, **seconds: float) -> scale.Run:
    run = _run(size, skus, workers, sum(seconds.values()), seconds.get("forecast", 1.0))
    for name in scale.STAGES:
        run.stages[name]["seconds"] = seconds.get(name, 0.0)
    return run


def test_each_stage_is_fitted_and_divided_among_workers_by_its_own_share() -> None:
    # forecast grows linearly (1e-3 s per SKU) and halves with 2 workers; routing is flat
    # at 100 s and does not speed up at all
    base = [_staged("medium", 2_000, 1, forecast=2.0, routing=100.0),
            _staged("large", 20_000, 1, forecast=20.0, routing=100.0)]
    two = _staged("large", 20_000, 2, forecast=10.0, routing=100.0)
    growth = {g.stage: g for g in scale.stage_growth(base, base[1], two)}
    assert set(growth) == {"forecast", "routing"}
    assert growth["forecast"].slope == pytest.approx(1.0)
    assert growth["forecast"].at_target == pytest.approx(1000.0)
    assert growth["forecast"].parallel == pytest.approx(1.0)
    assert growth["routing"].slope == pytest.approx(0.0, abs=1e-9)
    assert growth["routing"].parallel == pytest.approx(0.0)
    lines = scale.cluster_estimate(list(growth.values()))
    # 1,000 s of forecast and 100 s of routing: one worker is within 30 minutes
    assert "forecast 17 min" in lines[0] and "about 18 min in all" in lines[0]
    assert "one worker already plans" in lines[-1]
    # forecast 1e-2 s per SKU: 10,000 s parallel + 100 s serial -> ceil(10000 / 1700) = 6
    base = [_staged("medium", 2_000, 1, forecast=20.0, routing=100.0),
            _staged("large", 20_000, 1, forecast=200.0, routing=100.0)]
    two = _staged("large", 20_000, 2, forecast=100.0, routing=100.0)
    assert "about 6 workers" in scale.cluster_estimate(scale.stage_growth(base, base[1],
                                                                          two))[-1]
    # a serial share beyond 30 minutes: no cluster helps
    slow = _staged("large", 20_000, 2, forecast=199.0, routing=100.0)
    assert "no number of workers" in scale.cluster_estimate(
        scale.stage_growth(base, base[1], slow))[-1]
    # without the pair of one size: the fit, no cluster estimate
    assert "no cluster estimate" in scale.cluster_estimate(
        scale.stage_growth(base, None, None))[-1]


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


def test_the_largest_size_can_run_with_its_own_worker_counts(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    made: list[tuple[str, int]] = []

    def generate(size: str, folder: Path) -> scale.Generated:
        return scale.Generated(size, folder, 1.0, scale.MiB, 10, 100, "csv")

    def weekly(data: scale.Generated, workers: int, store: Path,
               time_limit: float | None) -> scale.Run:
        made.append((data.size, workers))
        return _run(data.size, data.skus, workers, 1.0, 1.0)

    monkeypatch.setattr(scale, "generate", generate)
    monkeypatch.setattr(scale, "weekly", weekly)
    scale.run_scale(("small", "xlarge"), (1, 2), tmp_path, None, lambda _: None, (2,))
    assert made == [("small", 1), ("small", 2), ("xlarge", 2)]
    assert scale.command_line(("small", "xlarge"), (1, 2), None, True, largest_workers=(2,)) \
        == ("flock /tmp/salesflow-bench.lock python benchmarks/scale.py --sizes small,xlarge "
            "--workers 1,2 --largest-workers 2 --write")


def test_solver_gaps_are_read_from_weekly_kpis_and_shown() -> None:
    # the shape of `weekly --json`'s kpis: purchasing reports its gap, staffing objective
    # and bound only, routing neither
    kpis = {"purchasing": {"solver": {"status": "optimal", "bound": 33_763_463.3,
                                      "gap": 0.0089}},
            "staffing": {"solver": {"status": "feasible", "objective": 656_525.55,
                                    "bound": 477_159.9}},
            "routing": {"stops": 3_350}}
    gaps = scale.solver_gaps(kpis)
    assert gaps["purchasing"] == 0.0089
    assert gaps["staffing"] == pytest.approx((656_525.55 - 477_159.9) / 656_525.55)
    assert scale.solver_gaps({"purchasing": {"policy": "baseline"}}) == {
        "purchasing": None, "staffing": None}
    run = _run("large", 20_000, 2, 500.0, 200.0)
    run.gaps.update(gaps)
    text = scale.section(scale.ScaleResult(runs=[run]), "python benchmarks/scale.py", "quiet")
    header = next(line for line in text.splitlines() if line.startswith("| size |"))
    row = next(line for line in text.splitlines() if line.startswith("| large |"))
    assert header.endswith("| purchasing gap | staffing gap |")
    assert row.endswith("| 0.89 % | 27.32 % |")
    assert len(row.split("|")) == len(header.split("|"))
