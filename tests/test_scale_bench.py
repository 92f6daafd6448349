"""benchmarks/scale.py: the worker knob it turns, the fit it states and the section it writes
(the runs themselves are the benchmark's: these tests check the arithmetic on given runs)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from salesflow.benchmarks import scale, scale_results, scale_section
from salesflow.data.dataset import load_dataset


def _run(size: str, skus: int, workers: int, seconds: float, forecast: float) -> scale_results.Run:
    stages = {name: {"stage": name, "seconds": 1.0, "peak_rss_bytes": 200 * scale_results.MiB,
                     "rss_growth_bytes": 10 * scale_results.MiB, "workers_peak_rss_bytes": 0}
              for name in scale_results.STAGES}
    stages["forecast"]["seconds"] = forecast
    return scale_results.Run(size, workers, skus, skus * 300, seconds,
                             skus * 1000 + 100 * scale_results.MiB, stages, skus, True)


def _sweep(command: str, when: str = "2026-12-07 02:36") -> scale_results.Sweep:
    return scale_results.Sweep(f"Measured {when} UTC on x86_64, 2 cores, Python 3.11.7.",
                               "abc1234", command, "quiet")


def test_workers_are_set_where_weekly_reads_them(tiny_dir: Path) -> None:
    scale.with_workers(tiny_dir, 1)
    assert load_dataset(tiny_dir).config.solver.workers == 1
    scale.with_workers(tiny_dir, 3)
    assert load_dataset(tiny_dir).config.solver.workers == 3


def test_loglog_fit_recovers_the_exponent() -> None:
    skus = [20, 200, 2_000, 20_000]
    slope, intercept = scale_section.loglog_fit(skus, [0.5 * s ** 1.3 for s in skus])
    assert slope == pytest.approx(1.3)
    assert math.exp(intercept) == pytest.approx(0.5)
    assert scale_section.loglog_fit([200, 200], [1.0, 2.0]) is None


def _staged(size: str, skus: int, workers: int, **seconds: float) -> scale_results.Run:
    run = _run(size, skus, workers, sum(seconds.values()), seconds.get("forecast", 1.0))
    for name in scale_results.STAGES:
        run.stages[name]["seconds"] = seconds.get(name, 0.0)
    return run


def test_each_stage_is_fitted_and_divided_among_workers_by_its_own_share() -> None:
    # forecast grows linearly (1e-3 s per SKU) and halves with 2 workers; routing is flat
    # at 100 s and does not speed up at all
    base = [_staged("medium", 2_000, 1, forecast=2.0, routing=100.0),
            _staged("large", 20_000, 1, forecast=20.0, routing=100.0)]
    two = _staged("large", 20_000, 2, forecast=10.0, routing=100.0)
    growth = {g.stage: g for g in scale_section.stage_growth(base, base[1], two)}
    assert set(growth) == {"forecast", "routing"}
    assert growth["forecast"].slope == pytest.approx(1.0)
    assert growth["forecast"].at_target == pytest.approx(1000.0)
    assert growth["forecast"].parallel == pytest.approx(1.0)
    assert growth["routing"].slope == pytest.approx(0.0, abs=1e-9)
    assert growth["routing"].parallel == pytest.approx(0.0)
    lines = scale_section.cluster_estimate(list(growth.values()))
    # 1,000 s of forecast and 100 s of routing: one worker is within 30 minutes
    assert "forecast 17 min" in lines[0] and "about 18 min in all" in lines[0]
    assert "one worker already plans" in lines[-1]
    # forecast 1e-2 s per SKU: 10,000 s parallel + 100 s serial -> ceil(10000 / 1700) = 6
    base = [_staged("medium", 2_000, 1, forecast=20.0, routing=100.0),
            _staged("large", 20_000, 1, forecast=200.0, routing=100.0)]
    two = _staged("large", 20_000, 2, forecast=100.0, routing=100.0)
    assert "about 6 workers" in scale_section.cluster_estimate(
        scale_section.stage_growth(base, base[1], two))[-1]
    # a serial share beyond 30 minutes: no cluster helps
    slow = _staged("large", 20_000, 2, forecast=199.0, routing=100.0)
    assert "no number of workers" in scale_section.cluster_estimate(
        scale_section.stage_growth(base, base[1], slow))[-1]
    # without the pair of one size: the fit, no cluster estimate
    assert "no cluster estimate" in scale_section.cluster_estimate(
        scale_section.stage_growth(base, None, None))[-1]


def test_section_states_fit_and_forecast_speedup() -> None:
    result = scale_results.ScaleResult(runs=[
        _run("tiny", 20, 1, 20.0, 2.0), _run("tiny", 20, 2, 19.0, 1.9),
        _run("small", 200, 1, 40.0, 10.0), _run("small", 200, 2, 30.0, 5.5)])
    text = scale_section.section(scale.stamped(
        result, _sweep("python benchmarks/scale.py --sizes tiny,small")))
    assert "Command: `python benchmarks/scale.py --sizes tiny,small`" in text
    assert "At commit abc1234. Load during the run: quiet." in text
    assert "sweep" not in text.split("<!--")[0]  # one sweep: no sweep column
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

    def generate(size: str, folder: Path) -> scale_results.Generated:
        return scale_results.Generated(size, folder, 1.0, scale_results.MiB, 10, 100, "csv")

    def weekly(data: scale_results.Generated, workers: int, store: Path,
               time_limit: float | None) -> scale_results.Run:
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
    text = scale_section.section(scale.stamped(scale_results.ScaleResult(runs=[run]),
                                               _sweep("python benchmarks/scale.py")))
    header = next(line for line in text.splitlines() if line.startswith("| size |"))
    row = next(line for line in text.splitlines() if line.startswith("| large |"))
    assert header.endswith("| purchasing gap | staffing gap |")
    assert row.endswith("| 0.89 % | 27.32 % |")
    assert len(row.split("|")) == len(header.split("|"))


def _two_sweeps() -> tuple[scale_results.ScaleResult, scale_results.ScaleResult]:
    first = _sweep("python benchmarks/scale.py --sizes medium,large --write")
    second = _sweep("python benchmarks/scale.py --sizes large --workers 2 --merge --write",
                    when="2026-12-07 05:00")
    failed = scale_results.Run("large", 1, 20_000, 6_000_000, 12.0, 300 * scale_results.MiB,
                               {}, 0, False, "Fehler: ungültige Größe «xlarge» --> Abbruch")
    old = scale.stamped(scale_results.ScaleResult(
        [scale_results.Generated("medium", Path("/w/medium"), 3.0, 330 * scale_results.MiB,
                                 2_000, 892_167, "csv"),
         scale_results.Generated("large", Path("/w/large"), 20.0, scale_results.MiB,
                                 20_000, 5_368_828, "csv")],
        [_run("medium", 2_000, 1, 246.0, 47.9), _run("medium", 2_000, 2, 187.0, 32.8),
         failed, _run("large", 20_000, 2, 537.0, 218.4)]), first)
    new = scale.stamped(scale_results.ScaleResult(
        [scale_results.Generated("large", Path("/w/large"), 25.0, scale_results.MiB,
                                 20_000, 5_368_828, "csv")],
        [_run("large", 20_000, 2, 450.0, 180.0)]), second)
    return old, new


def test_the_section_keeps_its_runs_and_gives_them_back() -> None:
    old, _ = _two_sweeps()
    old.runs[0].gaps.update({"purchasing": 0.0089, "staffing": None})
    text = scale_section.section(old)
    back = scale_results.from_section(text)
    assert back == old  # every field, the failed run's message and the gaps included
    assert back.sweeps == old.sweeps
    # a section written before runs had a probe reads as runs without one
    older = text.replace(', "probe_seconds": null', "")
    assert "probe_seconds" not in older and scale_results.from_section(older) == old
    assert ("| large | 20,000 | 6,000,000 | 1 | — | failed: Fehler: ungültige Größe «xlarge» "
            "--> Abbruch |") in text


def test_merge_replaces_what_the_new_sweep_measured_and_keeps_the_rest() -> None:
    old, new = _two_sweeps()
    both = scale_results.merged(old, new)
    assert [(r.size, r.workers, r.seconds) for r in both.runs] == [
        ("medium", 1, 246.0), ("medium", 2, 187.0), ("large", 1, 12.0), ("large", 2, 450.0)]
    assert [(g.size, g.seconds) for g in both.generated] == [("medium", 3.0), ("large", 25.0)]
    text = scale_section.section(both)
    first, second = old.sweeps[0], new.sweeps[0]
    assert f"1. {scale_section.sweep_line(first)}" in text
    assert f"2. {scale_section.sweep_line(second)}" in text
    lines = text.split("<!--")[0].splitlines()
    header = next(line for line in lines if line.startswith("| size | SKUs"))
    assert header.endswith("| sweep |")
    rows = [line for line in lines if line.startswith(("| medium |", "| large |"))]
    # runs: medium 1, medium 2, large 1 (failed), large 2; then the datasets medium, large
    assert [row.rsplit("|", 2)[1].strip() for row in rows] == ["1", "1", "1", "2", "1", "2"]
    assert all(len(row.split("|")) == len(header.split("|")) for row in rows[:4])
    # the speed-up of a pair measured apart says so
    assert "(measured in different sweeps)" not in text  # large's 1-worker run failed
    merged_again = scale_results.merged(scale_results.from_section(text), new)
    assert merged_again == both
    # numbered oldest first, whichever sweep's rows come first in the table
    tiny = scale.stamped(scale_results.ScaleResult(runs=[_run("tiny", 20, 1, 9.0, 1.0)]),
                         new.sweeps[0])
    assert scale_results.merged(old, tiny).sweeps == [first, second]
    one_worker = scale.stamped(scale_results.ScaleResult(
        runs=[_run("large", 20_000, 1, 795.0, 366.7)]), old.sweeps[0])
    assert "**2.04x** (measured in different sweeps)" in scale_section.section(
        scale_results.merged(one_worker, new))  # 366.7 s / 180 s


def test_merge_reads_the_section_before_running_and_fails_without_its_data(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    old, _ = _two_sweeps()
    written: list[str] = []
    ran: list[tuple[str, ...]] = []

    def run_scale(sizes: tuple[str, ...], *args: object, **kwargs: object
                  ) -> scale_results.ScaleResult:
        ran.append(sizes)
        return scale_results.ScaleResult(runs=[_run("large", 20_000, 2, 400.0, 150.0)])

    monkeypatch.setattr(scale, "run_scale", run_scale)
    monkeypatch.setattr(scale, "write_section", lambda name, text: written.append(text))
    monkeypatch.setattr(scale, "checkout_commit", lambda: "def5678")
    # a section written before runs were kept: nothing runs, the message says why
    monkeypatch.setattr(scale, "read_section", lambda name: "| large | 20,000 |")
    with pytest.raises(scale_results.SectionDataError, match="no scale-data comment"):
        scale.measure(("large",), (2,), None, tmp_path, True, lambda _: None, merge=True)
    assert ran == [] and written == []
    # with the data: large's 2-worker row is replaced, the rest kept
    monkeypatch.setattr(scale, "read_section",
                        lambda name: scale_section.section(old))
    text = scale.measure(("large",), (2,), None, tmp_path, True, lambda _: None, merge=True)
    assert ran == [("large",)] and written == [text]
    kept = scale_results.from_section(text)
    assert [(r.size, r.workers, r.seconds) for r in kept.runs] == [
        ("medium", 1, 246.0), ("medium", 2, 187.0), ("large", 1, 12.0), ("large", 2, 400.0)]
    newest = kept.runs[-1].sweep
    assert newest is not None and newest.commit == "def5678"
    assert newest.command.endswith("--sizes large --workers 2 --merge --write")
    # without --merge the section holds the new sweep's rows only
    text = scale.measure(("large",), (2,), None, tmp_path, False, lambda _: None)
    assert [(r.size, r.workers) for r in scale_results.from_section(text).runs] == [
        ("large", 2)]


def test_bench_scale_merge_without_data_is_a_usage_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from salesflow.cli.main import cli

    monkeypatch.setattr(scale, "read_section", lambda name: "an old section")
    monkeypatch.setattr(scale, "run_scale", lambda *a, **k: pytest.fail("must not run"))
    result = CliRunner().invoke(cli, ["bench", "scale", "--sizes", "tiny", "--merge"])
    assert result.exit_code == 2
    assert "--merge" in result.output and "no scale-data comment" in result.output
    assert "Traceback" not in result.output


def test_the_commit_is_read_from_the_checkout(tmp_path: Path) -> None:
    import subprocess

    from salesflow.benchmarks.report import checkout_commit

    assert checkout_commit(tmp_path) == ""  # not a checkout
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.txt").write_text("1", encoding="utf-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    assert checkout_commit(tmp_path) == head
    (tmp_path / "new.txt").write_text("untracked", encoding="utf-8")
    assert checkout_commit(tmp_path) == head  # untracked files do not count
    (tmp_path / "a.txt").write_text("2", encoding="utf-8")
    assert checkout_commit(tmp_path) == head + "+changes"


def test_the_probe_times_a_fixed_workload_in_a_fresh_process() -> None:
    seconds = scale.probe_seconds(repeat=1)
    assert seconds is not None and 0 < seconds < 120


def test_a_sweep_writes_each_row_as_it_finishes_with_its_probe(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    probes = iter([0.8, 1.6])
    monkeypatch.setattr(scale, "probe_seconds", lambda: next(probes))
    monkeypatch.setattr(scale, "generate", lambda size, folder: scale_results.Generated(
        size, folder, 1.0, scale_results.MiB, 200, 73_079, "csv"))
    monkeypatch.setattr(scale, "weekly", lambda data, workers, store, limit: _run(
        data.size, data.skus, workers, 10.0 * workers, 5.0))
    monkeypatch.setattr(scale, "checkout_commit", lambda: "abc1234")
    written: list[scale_results.ScaleResult] = []
    monkeypatch.setattr(scale, "write_section",
                        lambda name, text: written.append(scale_results.from_section(text)))
    text = scale.measure(("small",), (1, 2), None, tmp_path, True, lambda _: None)
    # the dataset, each run, then the whole sweep once more
    assert [(len(w.generated), len(w.runs)) for w in written] == [(1, 0), (1, 1), (1, 2),
                                                                  (1, 2)]
    assert "after its last row so far" in written[1].sweeps[0].load
    assert "at the end" in written[-1].sweeps[0].load
    assert [r.probe_seconds for r in written[-1].runs] == [0.8, 1.6]
    row = next(line for line in text.splitlines() if line.startswith("| small | 200 |"))
    assert row.startswith("| small | 200 | 60,000 | 1 | 0.80 | 10 s |")
