"""The ``scale`` section of BENCHMARKS.md from the runs of ``benchmarks/scale.py``: the
table, the growth of time and memory with SKUs (log-log least squares), each stage's parallel
share and what those say about 1,000,000 SKUs and a cluster, and the forecast's speed-up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from salesflow.benchmarks.scale_results import (
    GAP_STAGES,
    STAGES,
    MiB,
    Run,
    ScaleResult,
    Sweep,
    to_comment,
)

TARGET_SKUS = 1_000_000
TARGET_SECONDS = 30 * 60  # issue 19: a week's plan within 30 minutes
FIT_FROM_SKUS = 2_000
"""The fit uses the sizes from this many SKUs on when two or more were measured: below it a
run's time and memory are mostly fixed costs (imports, solver limits), not growth."""


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



def sweep_line(sweep: Sweep) -> str:
    """Where, when and how one sweep measured, in one sentence and its command."""
    commit = f" At commit {sweep.commit}." if sweep.commit else ""
    return (f"{sweep.machine}{commit} Load during the run: {sweep.load}. "
            f"Command: `{sweep.command}`")


def section(result: ScaleResult) -> str:
    """The BENCHMARKS.md text of the runs, ending with their data (:func:`to_comment`)."""
    sweeps = result.sweeps
    several = len(sweeps) > 1
    number = {sweep: n for n, sweep in enumerate(sweeps, start=1)}

    def sweep_cell(sweep: Sweep | None) -> str:
        return f" {number[sweep]} |" if several and sweep is not None else (
            " — |" if several else "")

    extra = (" sweep |", " ---: |") if several else ("", "")
    rows = ["| size | SKUs | sales lines | workers | probe s | weekly | peak RSS MiB "
            "| workers' peak MiB | " + " | ".join(STAGES) + " | forecast series/s | "
            + " | ".join(f"{stage} gap" for stage in GAP_STAGES) + " |" + extra[0],
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
            + " | ".join("---:" for _ in STAGES + GAP_STAGES) + " | ---: |" + extra[1]]
    for run in result.runs:
        probe = "—" if run.probe_seconds is None else f"{run.probe_seconds:.2f}"
        if not run.ok:
            rows.append(f"| {run.size} | {run.skus:,} | {run.lines:,} | {run.workers} | "
                        f"{probe} | failed: {run.error} |"
                        + " |" * (len(STAGES) + len(GAP_STAGES) + 3) + sweep_cell(run.sweep))
            continue
        stages = " | ".join(f"{run.stage_seconds[s]:.1f}" if s in run.stage_seconds else "—"
                            for s in STAGES)
        throughput = run.forecast_throughput
        rows.append(f"| {run.size} | {run.skus:,} | {run.lines:,} | {run.workers} | "
                    f"{probe} | {run.seconds:.0f} s | {_mib(run.peak_rss_bytes)} | "
                    f"{_mib(run.workers_peak_bytes)} | {stages} | "
                    f"{'—' if throughput is None else f'{throughput:,.1f}'} | "
                    + " | ".join(_percent(run.gaps.get(stage)) for stage in GAP_STAGES) + " |"
                    + sweep_cell(run.sweep))
    gen = ["| size | format | generate (init) | peak RSS MiB |" + extra[0],
           "| --- | --- | ---: | ---: |" + extra[1]]
    gen += [f"| {g.size} | {g.format} | {g.seconds:.0f} s | {_mib(g.peak_rss_bytes)} |"
            + sweep_cell(g.sweep) for g in result.generated]
    if several:
        provenance = ["Rows from several sweeps of the benchmark (column *sweep*); a later "
                      "sweep over some sizes replaced their rows (`--merge`) and kept the "
                      "others:", "",
                      *(f"{n}. {sweep_line(s)}" for s, n in number.items())]
    else:
        provenance = [sweep_line(s) for s in sweeps]
    return "\n".join([
        "## Scale: `salesflow weekly` from tiny to xlarge (issue 19)", "",
        *provenance, "",
        "Per size (seed 7, default limits unless the command says otherwise): how fast the "
        "machine was just before the run (*probe s*: the least of three timings of a fixed "
        "single-process workload, a Python loop and numpy sorts; this machine is shared, and "
        "the probe tells slow hours apart only roughly: it runs in one process, the weekly run "
        "in three that share the caches and the memory bus), the "
        "command's wall time, the process's peak RSS (kernel, `wait4`), its worker processes' "
        "peak (summed, sampled), each stage's seconds as `weekly --json` reports them, and the "
        "purchase and staffing solvers' gaps (its KPIs: the reported gap, else objective "
        "against bound).", "",
        *rows, "", "Generating the datasets:", "", *gen, "", *notes(result.runs), "",
        to_comment(result)])


def notes(runs: Sequence[Run]) -> list[str]:
    """The growth fits, the 1,000,000-SKU estimate and each size's forecast speed-up."""
    lines = []
    ok = [r for r in runs if r.ok]
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
            lines.append(f"- Only sizes below {FIT_FROM_SKUS:,} SKUs (or one above): their "
                         "times are mostly fixed costs, so the fit below says little about "
                         "larger datasets.")
        fit = loglog_fit([r.skus for r in base], [r.seconds for r in base])
        if fit is None:
            lines.append("- Fewer than two sizes measured: no fit of time against SKUs.")
        else:
            mixed = (", rows of different sweeps"
                     if len({r.sweep for r in base}) > 1 else "")
            lines.append(f"- Time grows as SKUs^{fit[0]:.2f} with {least} worker(s) "
                         f"(least-squares fit of log time on log SKUs over "
                         f"{', '.join(r.size for r in base)}{mixed}).")
            memory = loglog_fit([r.skus for r in base], [r.peak_rss_bytes for r in base])
            if memory is not None:
                at_target = math.exp(memory[1]) * TARGET_SKUS ** memory[0]
                lines.append(f"- Peak RSS grows as SKUs^{memory[0]:.2f}: about "
                             f"{at_target / 1024 ** 3:,.1f} GiB at {TARGET_SKUS:,} SKUs in "
                             "one process.")
            largest = max(base, key=lambda r: r.skus)
            two = next((r for r in ok if r.size == largest.size and r.workers == 2), None)
            one = next((r for r in ok if r.size == largest.size and r.workers == 1), None)
            lines += cluster_estimate(stage_growth(base, one, two))
    for size in dict.fromkeys(r.size for r in ok):
        one = next((r for r in ok if r.size == size and r.workers == 1), None)
        two = next((r for r in ok if r.size == size and r.workers == 2), None)
        if one and two and one.forecast_throughput and two.forecast_throughput:
            ratio = two.forecast_throughput / one.forecast_throughput
            target = " (target ≥ 1.7x)" if size == "xlarge" else ""
            same = "" if one.sweep == two.sweep else " (measured in different sweeps)"
            lines.append(f"- Forecast stage on {size}: 2 workers forecast "
                         f"{two.forecast_throughput:,.1f} series/s, 1 worker "
                         f"{one.forecast_throughput:,.1f}: **{ratio:.2f}x**{target}{same}.")
    return lines
