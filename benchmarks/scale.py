"""How ``salesflow weekly`` scales with the dataset (issue 19), section ``scale`` of BENCHMARKS.md.

For each size (tiny -> xlarge by default) a dataset is generated with ``salesflow init`` (seed
7), then ``salesflow weekly --json`` runs on it once per worker count, in a fresh process as a
user runs it. ``--workers 1,2`` sets ``[solver] workers`` in the dataset's ``config.toml``: the
knob ``weekly`` takes its forecast workers and solver threads from. Each run's figures come
from the run itself (the ``stages`` of ``weekly --json``, measured by
``optimizer.stage_timing``); the benchmark adds the command's wall time and the process's peak
RSS as the kernel reports it for that child (``wait4``).

From the points it writes: the log-log slope of weekly's time against SKUs (numpy's least
squares on the measured sizes), the same fit stage by stage with each stage's 1 -> 2 worker
speed-up on the largest size, what those say about 1,000,000 SKUs and a cluster of N workers
(Amdahl's law per stage, with the parallel share each stage's speed-up implies), and the
forecast stage's throughput (series per second) with 2 workers over 1 worker on each size.

Usage (from the repository root; heavy: under the shared benchmark lock)::

    flock /tmp/salesflow-bench.lock python benchmarks/scale.py --sizes tiny,small \\
        --workers 1,2 [--largest-workers 2] [--time-limit S] [--work DIR] [--write]

or ``salesflow bench scale`` with the same options.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesflow.benchmarks.locate import salesflow_command
from salesflow.benchmarks.report import machine_line, write_section
from salesflow.optimizer.result import relative_gap

SIZES = ("tiny", "small", "medium", "large", "xlarge")
STAGES = ("load", "forecast", "purchasing", "staffing", "routing", "report")
GAP_STAGES = ("purchasing", "staffing")
"""Stages whose solver's gap the table shows (from ``weekly --json``'s KPIs)."""
SEED = 7
TARGET_SKUS = 1_000_000
TARGET_SECONDS = 30 * 60  # issue 19: a week's plan within 30 minutes
MiB = 1024 * 1024
FIT_FROM_SKUS = 2_000
"""The fit uses the sizes from this many SKUs on when two or more were measured: below it a
run's time and memory are mostly fixed costs (imports, solver limits), not growth."""


@dataclass(frozen=True)
class Run:
    """One ``salesflow weekly`` run: a size, a worker count and what it measured."""

    size: str
    workers: int
    skus: int
    lines: int
    seconds: float
    peak_rss_bytes: int
    stages: dict[str, dict[str, Any]]
    series: int
    ok: bool
    error: str = ""
    gaps: dict[str, float | None] = field(default_factory=dict)

    @property
    def stage_seconds(self) -> dict[str, float]:
        return {name: float(s["seconds"]) for name, s in self.stages.items()}

    @property
    def workers_peak_bytes(self) -> int:
        return max((int(s["workers_peak_rss_bytes"]) for s in self.stages.values()), default=0)

    @property
    def forecast_throughput(self) -> float | None:
        """Series forecast per second of the forecast stage."""
        seconds = self.stage_seconds.get("forecast")
        return self.series / seconds if seconds else None


@dataclass(frozen=True)
class Generated:
    size: str
    folder: Path
    seconds: float
    peak_rss_bytes: int
    skus: int
    lines: int
    format: str


@dataclass
class ScaleResult:
    generated: list[Generated] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)


def cpu_seconds() -> float:
    """CPU seconds of this process, its threads and its child processes: those reaped
    (``getrusage``) and those still running (read directly when psutil is there, as Dask
    workers that live on between runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with the test extras
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def run_measured(argv: Sequence[str], env: dict[str, str] | None = None,
                 ) -> tuple[int, str, str, float, int]:
    """Run ``argv``; return code, stdout, stderr, wall seconds and the child's peak RSS."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        peak = int(usage.ru_maxrss) * (1 if sys.platform == "darwin" else 1024)
        return proc.returncode, out.read(), err.read(), seconds, peak


def generate(size: str, folder: Path) -> Generated:
    """``salesflow init folder --size size --seed 7`` (the size's default format)."""
    if folder.exists():
        shutil.rmtree(folder)
    code, out, err, seconds, peak = run_measured(
        [*salesflow_command(), "init", str(folder), "--size", size, "--seed", str(SEED),
         "--json"])
    if code != 0:
        raise SystemExit(f"salesflow init --size {size} failed ({code}):\n{err}")
    written = json.loads(out)
    return Generated(size, folder, seconds, peak, written["rows"]["skus"],
                     written["rows"]["sales"], written["format"])


def with_workers(folder: Path, workers: int) -> None:
    """Set ``[solver] workers`` in ``folder/config.toml``."""
    config = folder / "config.toml"
    text = config.read_text(encoding="utf-8")
    section = re.search(r"(?ms)^\[solver\]\n(.*?)(?=^\[|\Z)", text)
    if section is None:
        text += f"\n[solver]\nworkers = {workers}\n"
    else:
        body = section.group(1)
        line = re.compile(r"(?m)^#?\s*workers\s*=.*$")
        body = (line.sub(f"workers = {workers}", body, count=1) if line.search(body)
                else f"workers = {workers}\n" + body)
        text = text[:section.start(1)] + body + text[section.end(1):]
    config.write_text(text, encoding="utf-8")


def solver_gaps(kpis: dict[str, Any]) -> dict[str, float | None]:
    """The gap each of :data:`GAP_STAGES` reports in ``weekly --json``'s ``kpis``: its
    ``solver.gap``, else :func:`~salesflow.optimizer.result.relative_gap` of its objective and
    bound (``None`` without them)."""
    gaps: dict[str, float | None] = {}
    for stage in GAP_STAGES:
        solver = (kpis.get(stage) or {}).get("solver") or {}
        gap = solver.get("gap")
        gaps[stage] = float(gap) if gap is not None else relative_gap(
            solver.get("objective"), solver.get("bound"))
    return gaps


def weekly(data: Generated, workers: int, store: Path, time_limit: float | None) -> Run:
    """``salesflow weekly --data ... --json`` with ``workers``; its figures."""
    with_workers(data.folder, workers)
    argv = [*salesflow_command(), "weekly", "--data", str(data.folder), "--store", str(store),
            "--json"] + (["--time-limit", f"{time_limit:g}"] if time_limit else [])
    code, out, err, seconds, peak = run_measured(argv)
    if code != 0:
        return Run(data.size, workers, data.skus, data.lines, seconds, peak, {}, 0, False,
                   err.strip().splitlines()[-1] if err.strip() else f"exit {code}")
    payload = json.loads(out)
    stages = {s["stage"]: s for s in payload["stages"]}
    forecast = Path(payload["folder"]) / "forecast.csv"
    import pandas as pd

    series = int(pd.read_csv(forecast, usecols=["sku"])["sku"].nunique())
    return Run(data.size, workers, data.skus, data.lines, seconds, peak, stages, series, True,
               gaps=solver_gaps(payload.get("kpis") or {}))


def run_scale(sizes: Sequence[str], workers: Sequence[int], work: Path,
              time_limit: float | None, say: Callable[[str], None],
              largest_workers: Sequence[int] | None = None) -> ScaleResult:
    """Generate each size and run weekly on it with each worker count (the largest size with
    ``largest_workers`` when given)."""
    result = ScaleResult()
    for size in sizes:
        counts = largest_workers if largest_workers and size == sizes[-1] else workers
        say(f"generating {size} ...")
        data = generate(size, work / size)
        result.generated.append(data)
        say(f"  {data.skus:,} SKUs, {data.lines:,} lines ({data.format}) in "
            f"{data.seconds:.0f} s, peak {data.peak_rss_bytes / MiB:,.0f} MiB")
        for count in counts:
            say(f"weekly on {size} with {count} worker(s) ...")
            run = weekly(data, count, work / f"store-{size}-{count}", time_limit)
            result.runs.append(run)
            say(f"  {'ok' if run.ok else 'FAILED: ' + run.error} in {run.seconds:.0f} s, "
                f"peak {run.peak_rss_bytes / MiB:,.0f} MiB")
    return result


def loglog_fit(skus: Sequence[int], values: Sequence[float]) -> tuple[float, float] | None:
    """Slope and intercept of log(value) = intercept + slope * log(skus) (least squares);
    ``None`` with fewer than two distinct sizes."""
    import numpy as np

    points = [(s, v) for s, v in zip(skus, values, strict=True) if s > 0 and v > 0]
    if len({s for s, _ in points}) < 2:
        return None
    x = np.log([s for s, _ in points])
    y = np.log([v for _, v in points])
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def _mib(value: float) -> str:
    return f"{value / MiB:,.0f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class StageGrowth:
    """How one stage's seconds grow with SKUs, and how much of it a second worker halves.

    Attributes
    ----------
    stage:
        The stage's name.
    slope:
        Exponent of the log-log fit of its seconds on SKUs.
    at_target:
        The fit's seconds at :data:`TARGET_SKUS` (with the fitted runs' worker count).
    parallel:
        Share of the stage that the 1 -> 2 worker pair of the largest size says is parallel
        (Amdahl's law: ``t2 / t1 = (1 - p) + p / 2``); ``None`` without that pair.
    """

    stage: str
    slope: float
    at_target: float
    parallel: float | None


def stage_growth(base: Sequence[Run], one: Run | None, two: Run | None) -> list[StageGrowth]:
    """Each stage's fit over the ``base`` runs (one worker count, two sizes or more) and
    its parallel share from the ``one`` and ``two`` worker runs of one size."""
    growth = []
    for stage in STAGES:
        fit = loglog_fit([r.skus for r in base], [r.stage_seconds.get(stage, 0.0) for r in base])
        if fit is None:
            continue
        parallel = None
        if one is not None and two is not None and one.ok and two.ok:
            t1, t2 = one.stage_seconds.get(stage), two.stage_seconds.get(stage)
            if t1 and t2 is not None:
                parallel = min(1.0, max(0.0, 2 * (1 - t2 / t1)))
        growth.append(StageGrowth(stage, fit[0], math.exp(fit[1]) * TARGET_SKUS ** fit[0],
                                  parallel))
    return growth


def cluster_estimate(growth: Sequence[StageGrowth]) -> list[str]:
    """What 1,000,000 SKUs would take, stage by stage, and how many workers would bring the
    whole run under :data:`TARGET_SECONDS`: each stage keeps its serial share and divides
    its parallel share among the workers."""
    if not growth:
        return ["- No stage measured on two sizes: no extrapolation."]
    total = sum(g.at_target for g in growth)
    parts = ", ".join(
        f"{g.stage} {_duration(g.at_target)} (∝ SKUs^{g.slope:.2f}"
        + ("" if g.parallel is None else f", {g.parallel:.0%} parallel") + ")"
        for g in growth)
    lines = [f"- Extrapolated stage by stage to {TARGET_SKUS:,} SKUs with 1 worker: {parts}; "
             f"about {_duration(total)} in all. Stages that end on a solver's time limit "
             "(purchasing, staffing, routing) grow slowly here only because the limit caps "
             "them: at that size they would stop further from their best plans."]
    if any(g.parallel is None for g in growth):
        return [*lines, "- No 1 -> 2 worker pair on one size: no cluster estimate."]
    serial = sum((1 - (g.parallel or 0.0)) * g.at_target for g in growth)
    parallel = total - serial
    if serial >= TARGET_SECONDS:
        lines.append(f"- The stages' serial shares alone would take about {_duration(serial)} "
                     f"at {TARGET_SKUS:,} SKUs: no number of workers brings the run under "
                     f"{_duration(TARGET_SECONDS)} until more of it is parallel.")
        return lines
    needed = math.ceil(parallel / (TARGET_SECONDS - serial)) if parallel else 1
    if needed <= 1:
        lines.append(f"- By these fits one worker already plans {TARGET_SKUS:,} SKUs within "
                     f"{_duration(TARGET_SECONDS)}.")
    else:
        lines.append(f"- A cluster of about {needed} workers would bring {TARGET_SKUS:,} SKUs "
                     f"under {_duration(TARGET_SECONDS)} (serial shares {_duration(serial)}).")
    return lines


def section(result: ScaleResult, command: str, load: str) -> str:
    """The BENCHMARKS.md text of the runs."""
    rows = ["| size | SKUs | sales lines | workers | weekly | peak RSS MiB | workers' peak MiB "
            "| " + " | ".join(STAGES) + " | forecast series/s | "
            + " | ".join(f"{stage} gap" for stage in GAP_STAGES) + " |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | "
            + " | ".join("---:" for _ in STAGES + GAP_STAGES) + " | ---: |"]
    for run in result.runs:
        if not run.ok:
            rows.append(f"| {run.size} | {run.skus:,} | {run.lines:,} | {run.workers} | failed: "
                        f"{run.error} |" + " |" * (len(STAGES) + len(GAP_STAGES) + 3))
            continue
        stages = " | ".join(f"{run.stage_seconds[s]:.1f}" if s in run.stage_seconds else "—"
                            for s in STAGES)
        throughput = run.forecast_throughput
        rows.append(f"| {run.size} | {run.skus:,} | {run.lines:,} | {run.workers} | "
                    f"{run.seconds:.0f} s | {_mib(run.peak_rss_bytes)} | "
                    f"{_mib(run.workers_peak_bytes)} | {stages} | "
                    f"{'—' if throughput is None else f'{throughput:,.1f}'} | "
                    + " | ".join(_percent(run.gaps.get(stage)) for stage in GAP_STAGES) + " |")
    gen = ["| size | format | generate (init) | peak RSS MiB |", "| --- | --- | ---: | ---: |"]
    gen += [f"| {g.size} | {g.format} | {g.seconds:.0f} s | {_mib(g.peak_rss_bytes)} |"
            for g in result.generated]
    notes = []
    ok = [r for r in result.runs if r.ok]
    by_workers: dict[int, list[Run]] = {}
    for run in ok:
        by_workers.setdefault(run.workers, []).append(run)
    least = min(by_workers) if by_workers else None
    if least is not None:
        base = by_workers[least]
        big = [r for r in base if r.skus >= FIT_FROM_SKUS]
        if len(big) >= 2:
            base = big
        else:
            notes.append(f"- Only sizes below {FIT_FROM_SKUS:,} SKUs (or one above): their "
                         "times are mostly fixed costs, so the fit below says little about "
                         "larger datasets.")
        fit = loglog_fit([r.skus for r in base], [r.seconds for r in base])
        if fit is None:
            notes.append("- Fewer than two sizes measured: no fit of time against SKUs.")
        else:
            notes.append(f"- Time grows as SKUs^{fit[0]:.2f} with {least} worker(s) "
                         f"(least-squares fit of log time on log SKUs over "
                         f"{', '.join(r.size for r in base)}).")
            memory = loglog_fit([r.skus for r in base], [r.peak_rss_bytes for r in base])
            if memory is not None:
                at_target = math.exp(memory[1]) * TARGET_SKUS ** memory[0]
                notes.append(f"- Peak RSS grows as SKUs^{memory[0]:.2f}: about "
                             f"{at_target / 1024 ** 3:,.1f} GiB at {TARGET_SKUS:,} SKUs in "
                             "one process.")
            largest = max(base, key=lambda r: r.skus)
            two = next((r for r in ok if r.size == largest.size and r.workers == 2), None)
            one = next((r for r in ok if r.size == largest.size and r.workers == 1), None)
            notes += cluster_estimate(stage_growth(base, one, two))
    for size in dict.fromkeys(r.size for r in ok):
        one = next((r for r in ok if r.size == size and r.workers == 1), None)
        two = next((r for r in ok if r.size == size and r.workers == 2), None)
        if one and two and one.forecast_throughput and two.forecast_throughput:
            ratio = two.forecast_throughput / one.forecast_throughput
            target = " (target ≥ 1.7x)" if size == "xlarge" else ""
            notes.append(f"- Forecast stage on {size}: 2 workers forecast "
                         f"{two.forecast_throughput:,.1f} series/s, 1 worker "
                         f"{one.forecast_throughput:,.1f}: **{ratio:.2f}x**{target}.")
    return "\n".join([
        "## Scale: `salesflow weekly` from tiny to xlarge (issue 19)", "",
        machine_line() + f" Load during the run: {load}.", f"Command: `{command}`", "",
        "Per size (seed 7, default limits unless the command says otherwise): the command's "
        "wall time, the process's peak RSS (kernel, `wait4`), its worker processes' peak "
        "(summed, sampled), each stage's seconds as `weekly --json` reports them, and the "
        "purchase and staffing solvers' gaps (its KPIs: the reported gap, else objective "
        "against bound).", "",
        *rows, "", "Generating the datasets:", "", *gen, "", *notes])


def load_now() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def parse_sizes(text: str) -> tuple[str, ...]:
    sizes = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes:
        raise ValueError(f"sizes must be among {', '.join(SIZES)}; got {text!r}")
    return tuple(s for s in SIZES if s in sizes)


def parse_workers(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(sorted({int(w) for w in text.split(",") if w.strip()}))
    except ValueError:
        counts = ()
    if not counts or counts[0] < 1:
        raise ValueError(f"workers must be positive whole numbers separated by commas; "
                         f"got {text!r}")
    return counts


PROGRAM = "python benchmarks/scale.py"


def command_line(sizes: Sequence[str], workers: Sequence[int], time_limit: float | None,
                 write: bool, program: str = PROGRAM,
                 largest_workers: Sequence[int] | None = None) -> str:
    return (f"flock /tmp/salesflow-bench.lock {program} --sizes "
            f"{','.join(sizes)} --workers {','.join(map(str, workers))}"
            + (f" --largest-workers {','.join(map(str, largest_workers))}"
               if largest_workers else "")
            + (f" --time-limit {time_limit:g}" if time_limit else "")
            + (" --write" if write else ""))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="weekly's --time-limit (default: config.toml's)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the datasets and stores (default: a temporary one)")
    parser.add_argument("--largest-workers", default=None,
                        help="worker counts of the largest size only (default: --workers), "
                             "e.g. 2 to leave out its one-worker run")
    parser.add_argument("--write", action="store_true",
                        help="write the section scale of BENCHMARKS.md")
    args = parser.parse_args(argv)
    try:
        sizes, workers = parse_sizes(args.sizes), parse_workers(args.workers)
        largest = parse_workers(args.largest_workers) if args.largest_workers else None
    except ValueError as exc:
        parser.error(str(exc))
    text = measure(sizes, workers, args.time_limit, args.work, args.write,
                   lambda line: print(line, file=sys.stderr, flush=True),
                   largest_workers=largest)
    print(text)


def measure(sizes: Sequence[str], workers: Sequence[int], time_limit: float | None,
            work: Path | None, write: bool, say: Callable[[str], None],
            program: str = PROGRAM, largest_workers: Sequence[int] | None = None) -> str:
    """Run the benchmark, return its section (written into BENCHMARKS.md with ``write``)."""
    load = load_now()
    with tempfile.TemporaryDirectory(prefix="salesflow-scale-") as tmp:
        result = run_scale(sizes, workers, work or Path(tmp), time_limit, say, largest_workers)
    text = section(result, command_line(sizes, workers, time_limit, write, program,
                                        largest_workers),
                   f"{load} at the start, {load_now()} at the end")
    if write:
        write_section("scale", text)
    return text


if __name__ == "__main__":
    main()
