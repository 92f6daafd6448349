"""Task functions of tests/test_dask_engine.py, in a module of their own so that the worker
processes can import them: pytest imports test modules under names of its own
(``--import-mode=importlib``), which a worker cannot import, and Dask pickles a task's
function by reference (cloudpickle's pickle-by-value registry only applies to the object
pickled at the top, not to a function passed inside a task). ``pythonpath = ["tests"]``
puts this folder on ``sys.path``, which the local cluster's spawned workers inherit."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def square_or_die(part: int, marker_dir: str) -> int:
    """Kills its own worker process the first time it runs part 3."""
    marker = Path(marker_dir) / f"ran-{part}"
    if part == 3 and not marker.exists():
        marker.write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return part * part


def chunk_sum(chunk: list[int], offset: int) -> list[int]:
    return [x + offset for x in chunk]


def hold_gil(part: int, shared: object) -> int:
    """About a second of C code that keeps the GIL (as an OR-Tools search does); the worker's
    process id."""
    import math

    math.factorial(300_000 + part)
    return os.getpid()


def profiler_running(dask_worker: object) -> bool:
    """Whether a worker samples its tasks' stacks (``client.run`` passes the worker)."""
    return "profile" in dask_worker.periodic_callbacks  # type: ignore[attr-defined]


def wake_up_intervals(dask_worker: object) -> dict[str, float]:
    """Milliseconds between a worker's event-loop wake-ups that take the GIL from its task:
    the loop's tick, the system monitor and the memory monitor (``client.run`` passes the
    worker; a scheduler or a nanny has the same callbacks, the scheduler no memory
    monitor)."""
    callbacks = dask_worker.periodic_callbacks  # type: ignore[attr-defined]
    return {name: callbacks[name].callback_time
            for name in ("tick", "monitor", "memory_monitor") if name in callbacks}


def note_start(part: int, shared: tuple[str, str, float]) -> int:
    """Writes when it starts (``time.monotonic_ns``, one clock for every process of this
    machine) to ``DIR/TAG-PART``, then sleeps ``seconds``."""
    import time

    folder, tag, seconds = shared
    (Path(folder) / f"{tag}-{part}").write_text(str(time.monotonic_ns()))
    time.sleep(seconds)
    return part


def malloc_trim_setting(dask_worker: object) -> str | None:
    """The worker process's ``MALLOC_TRIM_THRESHOLD_`` (``client.run`` passes the worker)."""
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")
