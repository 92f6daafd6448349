"""Each weekly stage's seconds and memory: measured once (optimizer.stage_timing), the same
stages and figures in --json, the terminal summary and the report's Run section."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from salesflow.cli.main import cli
from salesflow.cli.plan_cmds import run_lines
from salesflow.data.outputs.report_run import RUN_HEADERS, run_cells
from salesflow.optimizer.stage_timing import StageClock, StageTiming
from salesflow.optimizer.weekly import TIMED_STAGES

PLANNING = ("load", "forecast", "purchasing", "staffing", "routing")


@pytest.fixture(scope="module")
def weekly_run(tiny_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    from click.testing import CliRunner

    store = tmp_path_factory.mktemp("timing") / "store"
    result = CliRunner(env={"SALESFLOW_TRACEBACK": "1"}).invoke(
        cli, ["weekly", "--data", str(tiny_master), "--store", str(store), "--json",
              "--time-limit", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _report_rows(folder: Path) -> dict[str, list[str]]:
    page = (folder / "report.html").read_text(encoding="utf-8")
    section = re.search(r"<table class='run'>(.*?)</table>", page, re.S)
    assert section is not None, "no Run table in the report"
    rows = re.findall(r"<tr data-stage='([^']+)'>(.*?)</tr>", section.group(1), re.S)
    return {stage: [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", cells)]
            for stage, cells in rows}


def test_json_has_every_stage_with_seconds_and_memory(weekly_run: dict) -> None:
    stages = weekly_run["stages"]
    assert [s["stage"] for s in stages] == list(TIMED_STAGES)
    for s in stages:
        assert set(s) == {"stage", "seconds", "peak_rss_bytes", "rss_growth_bytes",
                          "workers_peak_rss_bytes"}
        assert s["seconds"] >= 0
        assert s["peak_rss_bytes"] > 0
        assert 0 <= s["rss_growth_bytes"] <= s["peak_rss_bytes"]
        assert s["workers_peak_rss_bytes"] >= 0


def test_report_run_section_shows_the_same_figures_as_the_json(weekly_run: dict) -> None:
    rows = _report_rows(Path(weekly_run["folder"]))
    # the report is written inside the last stage: it shows every stage before it
    assert list(rows) == list(PLANNING)
    by_stage = {s["stage"]: s for s in weekly_run["stages"]}
    for stage, cells in rows.items():
        assert len(cells) == len(RUN_HEADERS)
        assert cells == list(run_cells(by_stage[stage])), stage


def test_terminal_lines_list_every_stage() -> None:
    timings = tuple(StageTiming(stage, 1.25, 300 * 2**20, 20 * 2**20) for stage in TIMED_STAGES)
    lines = run_lines(timings)
    assert len(lines) == 2 + len(TIMED_STAGES)  # title, header, one line per stage
    assert "load the data" in lines[2] and "1.2" in lines[2] and "300" in lines[2]
    assert "KPIs, report and store" in lines[-1]
    assert len({len(line) for line in lines[1:]}) == 1  # aligned columns


def test_clock_measures_what_a_stage_allocates() -> None:
    clock = StageClock()
    with clock.stage("big"):
        block = bytearray(64 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page: resident
    del block
    with clock.stage("small"):
        pass
    big, small = clock.timings
    assert big.rss_growth_bytes >= 48 * 2**20
    assert big.peak_rss_bytes >= big.rss_growth_bytes
    assert small.rss_growth_bytes < big.rss_growth_bytes
    assert small.peak_rss_bytes > 0


def test_clock_adds_up_a_stage_entered_twice_and_takes_worker_reports() -> None:
    clock = StageClock()
    for _ in range(2):
        with clock.stage("again"):
            pass
    clock.note_workers("again", 5 * 2**20)
    clock.note_workers("again", 3 * 2**20)
    (timing,) = clock.timings
    assert timing.stage == "again"
    # the larger report, or what the clock sampled itself from child processes this test
    # process may have (a multiprocessing resource tracker left by an earlier test)
    assert timing.workers_peak_rss_bytes >= 5 * 2**20
    clock.note_workers("again", 2**40)
    assert clock.timings[0].workers_peak_rss_bytes == 2**40


def test_clock_samples_child_processes() -> None:
    pytest.importorskip("psutil")
    clock = StageClock()
    child = ("import time; b = bytearray(96 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
             "print('ready', flush=True); time.sleep(1.0)")
    with clock.stage("workers"), subprocess.Popen(
            [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        proc.wait(timeout=30)
    (timing,) = clock.timings
    assert timing.workers_peak_rss_bytes >= 64 * 2**20


def test_what_the_figures_measure_is_said(run_cli: Callable[..., object]) -> None:
    result = run_cli("weekly", "--help")
    assert "peak memory" in result.output


def test_children_are_found_through_the_kernels_lists_with_their_memory() -> None:
    """The workers' memory reads the kernel's lists of children (a child and its own child
    here), and sums the resident memory psutil reports for the same processes."""
    import os
    import time

    import psutil

    from salesflow.optimizer.stage_timing import _children_rss, _descendants

    if _descendants(os.getpid()) is None:
        pytest.skip("this kernel keeps no /proc/PID/task/TID/children lists")
    grandchild = ("import time; block = bytearray(40_000_000); block[::4096] = b'x' * "
                  "len(block[::4096]); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", (
        "import subprocess, sys, time; "
        f"subprocess.Popen([sys.executable, '-c', {grandchild!r}]); time.sleep(60)")])
    me = psutil.Process()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            family = me.children(recursive=True)
            if len(family) >= 2 and max(p.memory_info().rss for p in family) > 40_000_000:
                break
            time.sleep(0.1)
        family = me.children(recursive=True)
        assert {child.pid} < {p.pid for p in family}
        assert sorted(_descendants(os.getpid()) or []) == sorted(p.pid for p in family)
        expected = sum(p.memory_info().rss for p in family)
        assert expected > 40_000_000
        assert abs(_children_rss(me) - expected) < 2_000_000
    finally:
        for process in me.children(recursive=True):
            process.kill()
        child.wait(10)


def test_the_sampler_lists_the_children_once_a_second_and_reads_their_memory_at_each_sample(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing the children walks every thread of the family: done when a stage starts and
    ends and every LIST_SECONDS, while the listed children's memory is read at every
    sample; a child that has ended counts nothing."""
    import time

    import psutil

    from salesflow.optimizer import stage_timing

    listed: list[int] = []
    child = subprocess.Popen([sys.executable, "-c", (
        "import time; block = bytearray(30_000_000); block[::4096] = b'x' * "
        "len(block[::4096]); time.sleep(60)")])
    try:
        me = psutil.Process()
        deadline = time.monotonic() + 30
        while psutil.Process(child.pid).memory_info().rss < 30_000_000:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        real_family = stage_timing._family

        def family(process: object) -> list[int]:
            listed.append(1)
            return real_family(process)

        reads: list[int] = []
        real_rss = stage_timing._children_rss

        def children_rss(process: object, pids: list[int] | None = None) -> int:
            reads.append(1)
            return real_rss(process, pids)

        monkeypatch.setattr(stage_timing, "_family", family)
        monkeypatch.setattr(stage_timing, "_children_rss", children_rss)
        monkeypatch.setattr(stage_timing, "SAMPLE_SECONDS", 0.01)
        monkeypatch.setattr(stage_timing, "LIST_SECONDS", 10.0)
        with stage_timing._Sampler(me, own=False) as sampler:
            time.sleep(0.5)
        assert len(listed) == sampler.lists == 2  # the start and the end of the stage
        assert len(reads) > 10
        assert sampler.children_peak >= 30_000_000
        pid = child.pid
        child.kill()
        child.wait(10)
        assert stage_timing._children_rss(me, [pid]) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
