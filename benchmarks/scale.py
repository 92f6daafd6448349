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

The section keeps its rows as data (``benchmarks/scale_results.py``), each marked with the
sweep that measured it (time, commit, command, load): ``--merge`` replaces the rows of the
sizes and worker counts a sweep runs and keeps the others, so one size can be brought up to
date without the hour-long sweep over all of them.

Usage (from the repository root; heavy: under the shared benchmark lock)::

    flock /tmp/salesflow-bench.lock python benchmarks/scale.py --sizes tiny,small \\
        --workers 1,2 [--largest-workers 2] [--time-limit S] [--work DIR] [--merge] [--write]

or ``salesflow bench scale`` with the same options.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from salesflow.benchmarks.locate import salesflow_command
from salesflow.benchmarks.report import (
    checkout_commit,
    machine_line,
    read_section,
    write_section,
)
from salesflow.benchmarks.scale_results import (
    GAP_STAGES,
    SIZES,
    Generated,
    MiB,
    Run,
    ScaleResult,
    SectionDataError,
    Sweep,
    from_section,
    merged,
)
from salesflow.benchmarks.scale_section import section
from salesflow.optimizer.result import relative_gap

SEED = 7


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


PROBE = """
import time
import numpy as np
values = np.random.default_rng(0).random(1_000_000)
started = time.perf_counter()
total = 0
for i in range(2_000_000):
    total += i * i % 7
for _ in range(10):
    np.sort(values)
print(time.perf_counter() - started)
"""
"""A fixed single-process workload (a Python loop and numpy sorts, about a second here)."""


def probe_seconds(repeat: int = 3) -> float | None:
    """How fast the machine is now: the least of ``repeat`` timings of :data:`PROBE`, each
    in a fresh process (``None`` if it cannot run). On a shared machine the same code's
    times differ from hour to hour; a row's probe says roughly how fast its hour was (one
    process: what several processes share, caches and the memory bus, it does not see)."""
    times = []
    for _ in range(repeat):
        try:
            done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True,
                                  text=True, timeout=120, check=True)
            times.append(float(done.stdout.strip()))
        except (OSError, ValueError, subprocess.SubprocessError):
            return None
    return min(times)


def run_scale(sizes: Sequence[str], workers: Sequence[int], work: Path,
              time_limit: float | None, say: Callable[[str], None],
              largest_workers: Sequence[int] | None = None,
              progress: Callable[[ScaleResult], None] | None = None) -> ScaleResult:
    """Generate each size and run weekly on it with each worker count (the largest size with
    ``largest_workers`` when given), each run after a :func:`probe_seconds`. ``progress``
    gets the result so far after each dataset and each run."""
    result = ScaleResult()
    for size in sizes:
        counts = largest_workers if largest_workers and size == sizes[-1] else workers
        say(f"generating {size} ...")
        data = generate(size, work / size)
        result.generated.append(data)
        say(f"  {data.skus:,} SKUs, {data.lines:,} lines ({data.format}) in "
            f"{data.seconds:.0f} s, peak {data.peak_rss_bytes / MiB:,.0f} MiB")
        if progress is not None:
            progress(result)
        for count in counts:
            probe = probe_seconds()
            say(f"weekly on {size} with {count} worker(s) (probe "
                f"{'—' if probe is None else f'{probe:.2f} s'}) ...")
            run = replace(weekly(data, count, work / f"store-{size}-{count}", time_limit),
                          probe_seconds=probe)
            result.runs.append(run)
            say(f"  {'ok' if run.ok else 'FAILED: ' + run.error} in {run.seconds:.0f} s, "
                f"peak {run.peak_rss_bytes / MiB:,.0f} MiB")
            if progress is not None:
                progress(result)
    return result


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
                 largest_workers: Sequence[int] | None = None, merge: bool = False) -> str:
    return (f"flock /tmp/salesflow-bench.lock {program} --sizes "
            f"{','.join(sizes)} --workers {','.join(map(str, workers))}"
            + (f" --largest-workers {','.join(map(str, largest_workers))}"
               if largest_workers else "")
            + (f" --time-limit {time_limit:g}" if time_limit else "")
            + (" --merge" if merge else "")
            + (" --write" if write else ""))


MERGE_HELP = ("keep the rows of sizes and worker counts this sweep does not measure from the "
              "section in BENCHMARKS.md (each row names its sweep); without it the section "
              "holds this sweep's rows only")


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
    parser.add_argument("--merge", action="store_true", help=MERGE_HELP)
    parser.add_argument("--write", action="store_true",
                        help="write the section scale of BENCHMARKS.md")
    args = parser.parse_args(argv)
    try:
        sizes, workers = parse_sizes(args.sizes), parse_workers(args.workers)
        largest = parse_workers(args.largest_workers) if args.largest_workers else None
    except ValueError as exc:
        parser.error(str(exc))
    try:
        text = measure(sizes, workers, args.time_limit, args.work, args.write,
                       lambda line: print(line, file=sys.stderr, flush=True),
                       largest_workers=largest, merge=args.merge)
    except SectionDataError as exc:
        parser.exit(2, f"{parser.prog}: error: --merge: {exc}\n")
    print(text)


def earlier_runs() -> ScaleResult:
    """The runs kept in BENCHMARKS.md's scale section.

    Raises
    ------
    SectionDataError
        If there is no BENCHMARKS.md or no scale section, or the section holds no run data.
    """
    try:
        return from_section(read_section("scale"))
    except FileNotFoundError as exc:
        raise SectionDataError(str(exc)) from None
    except SectionDataError as exc:
        raise SectionDataError(f"BENCHMARKS.md's scale section: {exc}") from None
    except ValueError as exc:  # no markers
        raise SectionDataError(str(exc)) from None


def stamped(result: ScaleResult, sweep: Sweep) -> ScaleResult:
    """``result`` with every run and dataset marked as measured by ``sweep``."""
    return ScaleResult([replace(g, sweep=sweep) for g in result.generated],
                       [replace(r, sweep=sweep) for r in result.runs])


def measure(sizes: Sequence[str], workers: Sequence[int], time_limit: float | None,
            work: Path | None, write: bool, say: Callable[[str], None],
            program: str = PROGRAM, largest_workers: Sequence[int] | None = None,
            merge: bool = False) -> str:
    """Run the benchmark, return its section (written into BENCHMARKS.md with ``write``).

    With ``merge`` the section keeps its earlier rows of the (size, workers) pairs this sweep
    does not run; they are read before anything runs, so that a section without run data
    fails at once (:class:`SectionDataError`) rather than after the sweep.
    """
    earlier = earlier_runs() if merge else ScaleResult()
    machine, commit, load = machine_line(), checkout_commit(), load_now()
    command = command_line(sizes, workers, time_limit, write, program, largest_workers, merge)

    def text_of(result: ScaleResult, moment: str) -> str:
        sweep = Sweep(machine, commit, command, f"{load} at the start, {load_now()} {moment}")
        return section(merged(earlier, stamped(result, sweep)))

    def progress(result: ScaleResult) -> None:
        # each finished row is written at once: a sweep stopped halfway keeps its rows
        write_section("scale", text_of(result, "after its last row so far"))

    with tempfile.TemporaryDirectory(prefix="salesflow-scale-") as tmp:
        result = run_scale(sizes, workers, work or Path(tmp), time_limit, say, largest_workers,
                           progress if write else None)
    text = text_of(result, "at the end")
    if write:
        write_section("scale", text)
    return text


if __name__ == "__main__":
    main()
