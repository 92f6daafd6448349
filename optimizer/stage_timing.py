"""Each weekly stage's wall seconds and peak memory, measured in one place.

:class:`StageClock` times the stages of one run (``with clock.stage("forecast"): ...``) and
keeps one :class:`StageTiming` per stage; the terminal summary, ``--json`` and the report's
Run section all read those records.

What the memory figures are
---------------------------
``peak_rss_bytes`` is the salesflow process's peak resident memory during the stage. On Linux
it is exact: the kernel's high-water mark (``VmHWM``) is reset when the stage starts (``5`` into
``/proc/self/clear_refs``) and read when it ends. Where that is not possible the resident
memory is sampled every :data:`SAMPLE_SECONDS` (psutil, else ``/proc/self/statm``), and never
reported below ``getrusage``'s maximum once that maximum was set during the stage.
``rss_growth_bytes`` is that peak minus the resident memory when the stage started: what the
stage itself added. ``workers_peak_rss_bytes`` is the peak of the summed resident memory of the
process's child processes and their children (the forecast's worker pool, a local Dask
cluster's workers), each one's ``/proc/PID/statm`` read every :data:`SAMPLE_SECONDS`, the
children listed from the kernel's lists every :data:`LIST_SECONDS` (psutil where the kernel
keeps no such lists; 0 without psutil or without children), or what workers elsewhere
reported through :meth:`StageClock.note_workers`.
"""

from __future__ import annotations

import math
import os
import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SAMPLE_SECONDS = 0.05
"""How often the sampler reads the children's (and, without ``VmHWM``, the process's) memory."""
LIST_SECONDS = 1.0
"""How often the sampler lists the children anew (and when a stage starts and ends). Listing
reads the kernel's list of every thread of every process in the family: 2.8 ms a call in
xlarge's weekly run (dozens of threads in this process and each worker), 45 s of this
process's time over the stages after the forecast when it was listed at every sample; reading
the listed children's memory is a file each."""

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")
_STATM = Path("/proc/self/statm")


@dataclass(frozen=True)
class StageTiming:
    """One stage of a run: wall seconds and memory (bytes; see the module's docstring)."""

    stage: str
    seconds: float
    peak_rss_bytes: int
    rss_growth_bytes: int
    workers_peak_rss_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values (``seconds`` to the millisecond)."""
        return {**asdict(self), "seconds": round(self.seconds, 3)}


def _status_kib(field: str) -> int | None:
    """A ``kB`` field of ``/proc/self/status`` in bytes (``None`` where unreadable)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _reset_high_water() -> bool:
    """Reset the kernel's peak-RSS mark of this process; ``False`` where that is not
    possible (not Linux, or an old or restricted kernel)."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def _maxrss_bytes() -> int:
    """``getrusage``'s lifetime peak RSS of this process (kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def _psutil_process() -> Any:
    try:
        import psutil
    except ImportError:
        return None
    return psutil.Process(os.getpid())


def _rss_now(process: Any) -> int:
    """This process's resident memory now, in bytes."""
    if process is not None:
        return int(process.memory_info().rss)
    try:
        return int(_STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return _maxrss_bytes()


def _descendants(pid: int) -> list[int] | None:
    """Every descendant of process ``pid`` from the kernel's ``/proc/PID/task/TID/children``
    lists; ``None`` where the kernel has no such list (then psutil walks all of ``/proc``:
    3 ms a call with 66 processes here, 20 calls a second, 6 % of a core; this, 0.14 ms)."""
    if not Path(f"/proc/{pid}/task/{pid}/children").exists():
        return None
    found: list[int] = []
    parents = [pid]
    while parents:
        tasks = Path(f"/proc/{parents.pop()}/task")
        try:
            lists = [task / "children" for task in tasks.iterdir()]
        except OSError:  # the process has ended
            continue
        for listed in lists:
            try:
                children = [int(child) for child in listed.read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(children)
            parents.extend(children)
    return found


def _family(process: Any) -> list[int]:
    """The process ids of ``process``'s children and their children (none without psutil)."""
    if process is None:
        return []
    pids = _descendants(process.pid)
    if pids is None:
        pids = [child.pid for child in process.children(recursive=True)]
    return pids


def _children_rss(process: Any, pids: list[int] | None = None) -> int:
    """Summed resident memory of this process's children and their children (0 without
    psutil), or of the processes ``pids`` when given (a list :func:`_family` made earlier):
    each one's resident pages from ``/proc/PID/statm``, as psutil reads them; a process that
    has ended since counts nothing."""
    if process is None:
        return 0
    import psutil

    if pids is None:
        pids = _family(process)
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, ValueError, IndexError):
            try:  # no /proc/PID/statm (not Linux)
                total += int(psutil.Process(pid).memory_info().rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
    return total


class _Sampler:
    """A daemon thread keeping the peaks of the process's and its children's memory: the
    children's every :data:`SAMPLE_SECONDS`, the list of them renewed every
    :data:`LIST_SECONDS` (a child that starts and ends between two lists is not seen)."""

    def __init__(self, process: Any, own: bool) -> None:
        self._process = process
        self._own = own
        self.own_peak = 0
        self.children_peak = 0
        self.lists = 0
        """How many times the children were listed."""
        self._pids: list[int] = []
        self._listed = -math.inf
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stage-memory", daemon=True)

    def _sample(self, relist: bool = False) -> None:
        if self._own:
            self.own_peak = max(self.own_peak, _rss_now(self._process))
        now = time.monotonic()
        if relist or now >= self._listed + LIST_SECONDS:
            self._pids, self._listed = _family(self._process), now
            self.lists += 1
        self.children_peak = max(self.children_peak, _children_rss(self._process, self._pids))

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def __enter__(self) -> _Sampler:
        self._sample(relist=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(relist=True)


class StageClock:
    """Times the stages of one run; a stage entered twice adds up (seconds summed, memory
    peaks the larger)."""

    def __init__(self) -> None:
        self._timings: dict[str, StageTiming] = {}
        self._process = _psutil_process()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Measure the ``with`` block as stage ``name``."""
        start_rss = _rss_now(self._process)
        exact = _reset_high_water()
        before_max = _maxrss_bytes()
        started = time.perf_counter()
        with _Sampler(self._process, own=not exact) as sampler:
            yield
        seconds = time.perf_counter() - started
        if exact:
            peak = _status_kib("VmHWM") or sampler.own_peak
        else:
            peak = sampler.own_peak
            after_max = _maxrss_bytes()
            if after_max > before_max:  # the lifetime peak was set during this stage
                peak = max(peak, after_max)
        peak = max(peak, start_rss)
        self._add(StageTiming(name, seconds, peak, peak - start_rss, sampler.children_peak))

    def note_workers(self, name: str, peak_rss_bytes: int) -> None:
        """Record that workers of stage ``name`` (outside this process's children, e.g. on a
        cluster) reported ``peak_rss_bytes`` in all at their peak."""
        old = self._timings.get(name, StageTiming(name, 0.0, 0, 0))
        self._timings[name] = StageTiming(
            name, old.seconds, old.peak_rss_bytes, old.rss_growth_bytes,
            max(old.workers_peak_rss_bytes, int(peak_rss_bytes)))

    def _add(self, timing: StageTiming) -> None:
        old = self._timings.get(timing.stage)
        if old is not None:
            timing = StageTiming(
                timing.stage, old.seconds + timing.seconds,
                max(old.peak_rss_bytes, timing.peak_rss_bytes),
                max(old.rss_growth_bytes, timing.rss_growth_bytes),
                max(old.workers_peak_rss_bytes, timing.workers_peak_rss_bytes))
        self._timings[timing.stage] = timing

    @property
    def timings(self) -> tuple[StageTiming, ...]:
        """The stages measured so far, in the order they first started."""
        return tuple(self._timings.values())


def timings_dicts(timings: tuple[StageTiming, ...]) -> list[dict[str, Any]]:
    """The records as ``--json`` and the report's data carry them."""
    return [t.to_dict() for t in timings]


__all__ = ["SAMPLE_SECONDS", "StageClock", "StageTiming", "timings_dicts"]
