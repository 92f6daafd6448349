"""The Dask engine (forecasting/cluster.py, forecasting/parallel.py): the same forecast and the
same routes in one process, on the embedded local cluster and on a "remote" scheduler (a real
``LocalCluster`` of worker processes started here and passed by its address); a worker that
dies has its tasks run again; a scheduler that cannot be reached is a user error (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from dask_tasks import (  # noqa: E402
    chunk_sum,
    hold_gil,
    malloc_trim_setting,
    note_start,
    profiler_running,
    square_or_die,
    wake_up_intervals,
)

from salesflow.forecasting.cluster import close_session, session  # noqa: E402
from salesflow.forecasting.parallel import map_chunks, map_parts  # noqa: E402


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a real local cluster: two worker processes, one thread each."""
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=":0", silence_logs=40)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()
        close_session()


@pytest.fixture(scope="module")
def tiny7(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``salesflow init DIR --size tiny --seed 7``."""
    from salesflow.data.generator import generate_dataset, write_dataset

    folder = tmp_path_factory.mktemp("tiny7")
    write_dataset(generate_dataset("tiny", 7), folder, "csv")
    return folder


def _ok(result: object) -> object:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return result


def test_forecast_and_routes_on_a_scheduler_equal_one_process(
        scheduler: str, tiny7: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    for out, head in ((here, ()), (there, ("--scheduler", scheduler))):
        _ok(run_cli(*head, "forecast", "--data", tiny7, "--out", out / "forecast.csv"))
        _ok(run_cli(*head, "routes", "--data", tiny7, "--format", "csv,geojson",
                    "--out", out / "routes"))
    for name in ("forecast.csv", "routes/routes.csv", "routes/routes.geojson"):
        assert (here / name).read_bytes() == (there / name).read_bytes(), name
    assert len(pd.read_csv(here / "forecast.csv")) > 0
    assert len(pd.read_csv(here / "routes/routes.csv")) > 0


def test_the_local_cluster_forecasts_as_one_process(tmp_path: Path,
                                                    run_cli: Callable[..., object]) -> None:
    """``--workers 2`` on more series than the in-process threshold: the embedded
    LocalCluster (no scheduler given) answers the same table as ``--workers 1``."""
    rng = np.random.default_rng(3)
    n_series, n_obs = 64, 24
    series = pd.DataFrame({
        "unique_id": np.repeat([f"s{i:02d}" for i in range(n_series)], n_obs),
        "ds": np.tile(np.arange(1, n_obs + 1), n_series),
        "y": rng.poisson(np.repeat(rng.uniform(1, 20, n_series), n_obs)).astype(float)})
    series.to_csv(tmp_path / "series.csv", index=False)
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"forecast-{workers}.csv"
        _ok(run_cli("forecast", "--series", tmp_path / "series.csv", "--horizon", "2",
                    "--workers", workers, "--out", out))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert pd.read_csv(tmp_path / "forecast-2.csv")["unique_id"].nunique() == n_series


QUIET = {"tick": 1000, "monitor": 5000, "memory_monitor": 2000}
"""The embedded cluster's workers' wake-ups, milliseconds apart (Dask's defaults: 20, 500,
100)."""


def test_the_local_clusters_workers_run_without_the_profiler(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded cluster's workers do not sample their tasks' stacks (a dashboard feature)
    and wake their event loops less often, also after their nannies restart them; so do the
    scheduler and the nannies, which run in this process beside its own work; this process's
    configuration is left alone. Their nannies do not set ``MALLOC_TRIM_THRESHOLD_`` (glibc's
    adaptive memory settings stay on)."""
    import dask

    from salesflow.forecasting.cluster import current_session

    # a nanny started by another test of this process (Dask's defaults) put it in os.environ
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    try:
        session = current_session()
        client = session.client(2)
        cluster = session._cluster
        assert cluster is not None
        assert wake_up_intervals(cluster.scheduler) == {"tick": 1000, "monitor": 5000}
        nannies = list(cluster.workers.values())
        assert len(nannies) == 2
        assert [wake_up_intervals(nanny) for nanny in nannies] == [QUIET, QUIET]
        answers = client.run(profiler_running)
        assert answers and not any(answers.values())
        assert list(client.run(wake_up_intervals).values()) == [QUIET, QUIET]
        assert list(client.run(malloc_trim_setting).values()) == [None, None]
        client.restart()
        answers = client.run(profiler_running)
        assert len(answers) == 2 and not any(answers.values())
        assert list(client.run(wake_up_intervals).values()) == [QUIET, QUIET]
        assert list(client.run(malloc_trim_setting).values()) == [None, None]
        assert dask.config.get("distributed.nanny.pre-spawn-environ")[
            "MALLOC_TRIM_THRESHOLD_"] == 65536
        assert dask.config.get("distributed.worker.profile.enabled")
        assert dask.config.get("distributed.admin.tick.interval") == "20ms"
    finally:
        close_session()


def test_a_worker_started_by_hand_runs_without_the_profiler_as_the_readme_says(
        scheduler: str, tmp_path: Path) -> None:
    """README: the ``DASK_DISTRIBUTED__...`` variables before ``dask worker`` give a worker
    started by hand the embedded cluster's settings; a Dask configuration file that sets
    ``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_`` to ``null`` keeps its
    nanny from setting it."""
    import os
    import subprocess
    import sys
    import time

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    exported = dict(line.split("#")[0].strip().removeprefix("export ").split("=", 1)
                    for line in readme.splitlines()
                    if line.strip().startswith("export DASK_DISTRIBUTED__"))
    assert len(exported) == 4
    assert "`distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_` to `null`" in \
        " ".join(readme.split())
    settings = tmp_path / "workers.yaml"
    settings.write_text("distributed:\n  nanny:\n    pre-spawn-environ:\n"
                        "      MALLOC_TRIM_THRESHOLD_: null\n", encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items()
              # put there by the fixture's nanny (Dask's defaults) in this process
              if k != "MALLOC_TRIM_THRESHOLD_"},
           **exported, "DASK_CONFIG": str(settings),
           # the task module, as the fixture's workers have it (spawned from pytest)
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                         os.environ.get("PYTHONPATH", "")])}
    worker = subprocess.Popen([str(Path(sys.executable).with_name("dask")), "worker",
                               scheduler, "--nworkers", "1", "--nthreads", "1",
                               "--name", "by-hand"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    client = distributed.Client(scheduler, set_as_default=False)

    def by_hand() -> list[str]:
        """The address of the worker started here, once it has joined."""
        return [address for address, info in client.scheduler_info()["workers"].items()
                if info["name"] == "by-hand"]

    try:
        deadline = time.monotonic() + 60
        while not by_hand():
            assert time.monotonic() < deadline, "the worker started by hand did not join"
            time.sleep(0.2)
        answers = client.run(profiler_running)
        assert answers[by_hand()[0]] is False
        assert any(answers.values())  # the fixture's workers keep Dask's default
        assert client.run(wake_up_intervals, workers=by_hand())[by_hand()[0]] == QUIET
        trim = client.run(malloc_trim_setting)
        assert trim[by_hand()[0]] is None
        assert "65536" in trim.values()  # the fixture's workers keep Dask's default
    finally:
        client.retire_workers(by_hand(), close_workers=True)
        client.close()
        worker.terminate()
        worker.wait(30)


def test_a_killed_workers_task_is_run_again(scheduler: str, tmp_path: Path) -> None:
    with session(scheduler):
        squares = map_parts(square_or_die, list(range(8)), str(tmp_path), n_jobs=2)
        shifted = map_chunks(chunk_sum, list(range(200)), 5, n_jobs=2)
    assert (tmp_path / "ran-3").read_text() == "killed"  # the worker did die
    assert squares == [x * x for x in range(8)]
    assert shifted == [x + 5 for x in range(200)]


@pytest.mark.parametrize("where", ["here", "cluster"])
def test_each_chunks_results_reach_on_chunk_as_it_finishes(where: str, scheduler: str) -> None:
    """``on_chunk(start, results)`` sees every chunk once, with the index of its first item,
    and the map still returns every result in input order."""
    seen: list[tuple[int, list[int]]] = []
    with session(scheduler if where == "cluster" else None):
        shifted = map_chunks(chunk_sum, list(range(300)), 5, n_jobs=2 if where == "cluster"
                             else 1, on_chunk=lambda start, part: seen.append((start, part)))
    assert shifted == [x + 5 for x in range(300)]
    assert len(seen) > 1
    for start, part in seen:
        assert part == [x + 5 for x in range(start, start + len(part))]
    assert sorted(x for _, part in seen for x in part) == shifted  # each item once


def test_tasks_that_hold_the_gil_share_a_large_input_over_every_worker(scheduler: str) -> None:
    """The shared input (here 200 MB) is on every worker before the tasks start: a worker
    fetching it from a peer whose task holds the GIL would wait for that task, and the
    scheduler would queue the tasks on the worker that has it (one worker doing nearly all)."""
    shared = np.ones(25_000_000)
    with session(scheduler):
        pids = map_parts(hold_gil, list(range(8)), shared, n_jobs=2)
    counts = sorted(pids.count(p) for p in set(pids))
    assert len(counts) == 2 and counts[0] >= 3, counts


def test_tasks_of_a_higher_priority_start_before_those_already_waiting(
        scheduler: str, tmp_path: Path) -> None:
    """The global model's fits (priority 1) submitted while 40 per-series tasks wait start
    before most of those: with Dask's default, first come first served, they would start
    last."""
    import threading
    import time

    low: list[int] = []
    with session(scheduler):
        thread = threading.Thread(target=lambda: low.extend(map_parts(
            note_start, list(range(40)), (str(tmp_path), "low", 0.2), n_jobs=2)))
        thread.start()
        # Until the first waiting task has started (or the map failed: the join re-checks).
        while thread.is_alive() and not list(tmp_path.glob("low-*")):
            time.sleep(0.01)
        high = map_parts(note_start, [0, 1], (str(tmp_path), "high", 0.0), n_jobs=2,
                         priority=1)
        thread.join()
    assert (low, high) == (list(range(40)), [0, 1])
    started = {p.name: int(p.read_text()) for p in tmp_path.iterdir()}
    last_high = max(started["high-0"], started["high-1"])
    before = sum(1 for name, at in started.items() if name.startswith("low") and at < last_high)
    assert before <= 20, before


@pytest.mark.parametrize("how", ["option", "environment"])
def test_an_unreachable_scheduler_is_a_user_error(how: str, tiny7: Path, tmp_path: Path,
                                                  run_cli: Callable[..., object]) -> None:
    address = "tcp://127.0.0.1:1"
    store = tmp_path / "store"
    args = ["weekly", "--data", tiny7, "--store", store]
    if how == "option":
        result = run_cli("--scheduler", address, *args)
    else:
        result = run_cli(*args, env={"SALESFLOW_SCHEDULER": address})
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    message = result.stderr
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:1" in message
    assert "127.0.0.1 port 1" in message and "dask scheduler" in message
    listing = json.loads(_ok(run_cli("plans", "list", "--store", store,  # nothing stored
                                     "--json")).stdout)  # type: ignore[attr-defined]
    assert listing["plans"] == []


def test_a_malformed_scheduler_address_is_a_user_error(tiny7: Path, tmp_path: Path,
                                                       run_cli: Callable[..., object]) -> None:
    result = run_cli("--scheduler", "tcp://nowhere", "forecast", "--data", tiny7, "--json",
                     "--out", tmp_path / "f.csv")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and "tcp://nowhere" in payload["error"]
    assert "tcp://HOST:PORT" in payload["error"]
    assert not (tmp_path / "f.csv").exists()


@pytest.mark.slow
def test_weekly_on_a_scheduler_stores_the_same_plan(scheduler: str, tiny7: Path, tmp_path: Path,
                                                    run_cli: Callable[..., object]) -> None:
    """The whole week on the cluster: the forecast, purchase orders and routes equal the
    plan of one process, file for file."""
    folders = []
    for store, head in ((tmp_path / "here", ()), (tmp_path / "there", ("--scheduler", scheduler))):
        result = _ok(run_cli(*head, "weekly", "--data", tiny7, "--store", store, "--json"))
        folders.append(Path(json.loads(result.stdout)["folder"]))  # type: ignore[attr-defined]
    for name in ("forecast.csv", "purchase_orders.csv", "routes.csv"):
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name
    # The roster is solved in this process either way; CP-SAT may return another roster of
    # the same proven-optimal cost when two equal rosters tie (seen with the same code in
    # one process too), so its cost is compared, not its rows.
    kpis = [json.loads((f / "kpis.json").read_text()) for f in folders]
    assert kpis[0]["staffing"]["solver"] == kpis[1]["staffing"]["solver"]
    assert kpis[0]["routing"] == kpis[1]["routing"]


def test_workers_without_this_salesflow_are_a_user_error(
        scheduler: str, tiny7: Path, tmp_path: Path, run_cli: Callable[..., object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers that run another salesflow (here: this machine claims another version) are
    refused before any task is sent, naming each worker, instead of a map that never ends."""
    import salesflow.forecasting.cluster as cluster

    monkeypatch.setattr(cluster, "local_version", lambda: "9.9.9")
    result = run_cli("--scheduler", scheduler, "forecast", "--data", tiny7, "--out",
                     tmp_path / "f.csv")
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    message = result.stderr  # type: ignore[attr-defined]
    assert "cannot run this salesflow's tasks" in message and "Traceback" not in message
    assert message.count(", this machine 9.9.9") == 2  # both workers named
    assert not (tmp_path / "f.csv").exists()


def test_a_worker_without_salesflow_is_named() -> None:
    from salesflow.forecasting.cluster import check_worker_versions

    missing = ModuleNotFoundError("No module named 'salesflow'")
    lines = check_worker_versions({"tcp://b:1": "0.1.0", "tcp://a:1": missing,
                                   "tcp://c:1": "0.0.9"}, "0.1.0")
    assert lines == ["tcp://a:1: salesflow is not installed there (ModuleNotFoundError)",
                     "tcp://c:1: salesflow 0.0.9, this machine 0.1.0"]
