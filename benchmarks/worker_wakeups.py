"""What the embedded cluster's worker settings cost a task (issue 19), section ``worker-wakeups``.

One task of per-series fits (the forecast's map, :func:`~salesflow.forecasting.series_fit.
fit_local_many`, on the first ``--series`` SKUs of a dataset's weekly demand, every local
candidate backtested and fitted) runs in this process and as the only task of a one-worker
Dask ``LocalCluster`` configured three ways: salesflow's settings
(:data:`~salesflow.forecasting.cluster.LOCAL_WORKER_CONFIG`), the same with Dask's default
wake-ups (loop tick 20 ms, memory monitor 100 ms, system monitor 500 ms), and Dask's defaults
with the profiler on. The clock and the CPU clock are read inside the task. Then the CPU
this process spends while an embedded two-worker cluster idles ``--idle`` seconds: its
scheduler and the workers' nannies run here, beside the forecast's own work in this process
(finishing each series as its chunk arrives), with salesflow's settings
(:class:`~salesflow.forecasting.cluster.ClusterSession`) and with Dask's wake-ups (a
``LocalCluster`` whose workers alone have salesflow's settings, the scheduler and the nannies
Dask's defaults). ``--rounds`` rounds, the ways alternating in each, as the machine is shared
and its speed drifts.

Usage (from the repository root; under the shared benchmark lock)::

    flock /tmp/salesflow-bench.lock python benchmarks/worker_wakeups.py --data DIR \\
        [--series 400] [--rounds 3] [--idle 30] [--write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from salesflow.benchmarks.report import machine_line, write_section
from salesflow.benchmarks.scale import load_now

SECTION = "worker-wakeups"
DASK_WAKE_UPS = {"distributed.admin.tick.interval": "20ms",
                 "distributed.worker.memory.monitor-interval": "100ms",
                 "distributed.admin.system-monitor.interval": "500ms"}


def timed_fits(tasks: Sequence[Any], settings: Any) -> tuple[float, float]:
    """Seconds and CPU seconds of this thread for ``fit_local_many(tasks, settings)``."""
    from threadpoolctl import threadpool_limits

    from salesflow.forecasting.series_fit import fit_local_many

    started, cpu = time.perf_counter(), time.thread_time()
    with threadpool_limits(1):
        fit_local_many(tasks, settings)
    return time.perf_counter() - started, time.thread_time() - cpu


def ways() -> dict[str, dict[str, Any] | None]:
    """The ways to run the task: ``None`` in this process, else a worker's Dask settings."""
    from salesflow.forecasting.cluster import LOCAL_WORKER_CONFIG

    return {"one process": None,
            "worker, salesflow's settings": dict(LOCAL_WORKER_CONFIG),
            "worker, Dask's wake-ups": {**LOCAL_WORKER_CONFIG, **DASK_WAKE_UPS},
            "worker, Dask's defaults": {**DASK_WAKE_UPS,
                                        "distributed.worker.profile.enabled": True}}


def tasks_of(data: Path, n_series: int) -> tuple[list[Any], Any]:
    """The first ``n_series`` SKUs' weekly demand as fit tasks, and the forecast's settings
    for them (as ``weekly`` has them, without the global model)."""
    from salesflow.data.dataset import load_dataset
    from salesflow.forecasting.engine import Forecaster
    from salesflow.forecasting.series import weekly_demand
    from salesflow.forecasting.series_fit import SeriesTask
    from salesflow.forecasting.stage import DEMAND_STEP, DEMAND_WINDOWS, _season_for

    dataset = load_dataset(data)
    week_start = dataset.plan_week_start(None)
    skus = dataset.skus["sku"].sort_values().head(n_series)
    frame = weekly_demand(dataset.history_before(week_start), skus, week_start)
    engine = Forecaster(horizon=dataset.config.planning.horizon_weeks,
                        season_length=_season_for(int(frame["ds"].nunique()),
                                                  dataset.config.forecast.season_length),
                        quantiles=tuple(dataset.config.forecast.quantiles),
                        n_windows=DEMAND_WINDOWS, step=DEMAND_STEP, nonnegative=True,
                        freq="7D")
    # the engine's own checks and settings, so that the task is the forecast's map's (private
    # methods: a benchmark of the engine's internals)
    series = engine._split(frame)
    settings = engine._settings(series, keep_models=False)
    return [SeriesTask(u, v) for u, v in zip(series.ids, series.values, strict=True)], settings


def local_cluster(n_workers: int, config: dict[str, Any]) -> Any:
    """A Dask ``LocalCluster`` of ``n_workers`` one-thread worker processes with ``config``
    (the embedded cluster's shape)."""
    from distributed import LocalCluster

    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                        dashboard_address=":0", silence_logs=40, config=config)


def run_on_worker(config: dict[str, Any], tasks: list[Any], settings: Any) \
        -> tuple[float, float]:
    """:func:`timed_fits` as the only task of a fresh one-worker cluster with ``config``."""
    from distributed import Client

    with local_cluster(1, config) as cluster, Client(cluster, set_as_default=False) as client:
        client.submit(timed_fits, tasks[:2], settings, pure=False).result()  # imports
        return client.submit(timed_fits, tasks, settings, pure=False).result()


def idle_cpu(seconds: float, salesflows: bool) -> float:
    """CPU seconds this process (every thread) spends while an embedded two-worker cluster
    idles ``seconds``, started by salesflow (``salesflows``) or with only its workers
    configured."""
    from distributed import Client

    from salesflow.forecasting.cluster import LOCAL_WORKER_CONFIG, ClusterSession

    with ExitStack() as stack:
        if salesflows:
            session = ClusterSession()
            stack.callback(session.close)
            client = session.client(2)
        else:
            cluster = stack.enter_context(local_cluster(2, LOCAL_WORKER_CONFIG))
            client = stack.enter_context(Client(cluster, set_as_default=False))
        client.submit(sum, [1, 2], pure=False).result()
        before = time.process_time()
        time.sleep(seconds)
        return time.process_time() - before


IDLE_WAYS = {"this process, salesflow's settings": True,
             "this process, Dask's wake-ups": False}


def section(results: dict[str, list[tuple[float, float]]], data: Path, n_series: int,
            command: str, load: str, idle: dict[str, list[float]],
            idle_seconds: float) -> str:
    """The BENCHMARKS.md text."""
    base = statistics.mean(s for s, _ in results["one process"])
    lines = ["## Dask worker wake-ups, one task (issue 19)", "", machine_line(),
             f"Command: `{command}`", "",
             f"One task of per-series fits on the first {n_series} SKUs of `{data}`; the "
             f"ways alternate, {len(results['one process'])} rounds. Load: {load}.", "",
             "| where | seconds (mean) | each round | CPU seconds (mean) | over one process |",
             "| --- | ---: | --- | ---: | ---: |"]
    for name, runs in results.items():
        mean = statistics.mean(s for s, _ in runs)
        lines.append(f"| {name} | {mean:.1f} | {', '.join(f'{s:.1f}' for s, _ in runs)} | "
                     f"{statistics.mean(c for _, c in runs):.1f} | {mean / base:.2f}× |")
    lines += ["", f"CPU of this process (the scheduler and the two nannies) while a two-worker "
              f"cluster idles {idle_seconds:g} s:", "",
              "| where | CPU seconds (mean) | each round | share of a core |",
              "| --- | ---: | --- | ---: |"]
    for name, cpus in idle.items():
        mean = statistics.mean(cpus)
        lines.append(f"| {name} | {mean:.2f} | {', '.join(f'{c:.2f}' for c in cpus)} | "
                     f"{100 * mean / idle_seconds:.1f} % |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="the dataset folder (salesflow init DIR --size medium --seed 7)")
    parser.add_argument("--series", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle", type=float, default=30.0,
                        help="seconds the two-worker cluster idles per measurement")
    parser.add_argument("--write", action="store_true",
                        help=f"write the section {SECTION} of BENCHMARKS.md")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"--data {args.data}: no such folder")
    if args.series < 1 or args.rounds < 1 or args.idle <= 0:
        parser.error("--series, --rounds and --idle must be positive")
    load = load_now()
    tasks, settings = tasks_of(args.data, args.series)
    timed_fits(tasks[:2], settings)  # imports, as the worker's first task does
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in ways()}
    idle: dict[str, list[float]] = {name: [] for name in IDLE_WAYS}
    for round_ in range(args.rounds):
        for name, config in ways().items():
            figures = timed_fits(tasks, settings) if config is None \
                else run_on_worker(config, tasks, settings)
            results[name].append(figures)
            print(f"round {round_ + 1}, {name}: {figures[0]:.1f} s", file=sys.stderr,
                  flush=True)
        for name, salesflows in IDLE_WAYS.items():
            idle[name].append(idle_cpu(args.idle, salesflows))
            print(f"round {round_ + 1}, {name}: {idle[name][-1]:.2f} CPU s", file=sys.stderr,
                  flush=True)
    command = ("flock /tmp/salesflow-bench.lock python benchmarks/worker_wakeups.py "
               f"--data {args.data} --series {args.series} --rounds {args.rounds}"
               + (f" --idle {args.idle:g}" if args.idle != parser.get_default("idle") else "")
               + (" --write" if args.write else ""))
    text = section(results, args.data, args.series, command,
                   f"{load} at the start, {load_now()} at the end", idle, args.idle)
    if args.write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
