"""Where the parallel parts run: this process, an embedded Dask ``LocalCluster``, or the Dask
cluster of ``--scheduler ADDRESS`` (``SALESFLOW_SCHEDULER``).

One :class:`ClusterSession` serves a whole command: the first parallel map starts its client
(a local cluster of worker processes, one thread each, or a connection to the scheduler) and
every later map of the command reuses it; :func:`close_session` (the CLI calls it when the
command ends) shuts it down. Library callers get the same from :func:`session` used as a
context manager, or nothing at all: an open session is closed when the interpreter exits.

A task is ``func(part, shared)``: ``shared`` travels once to every worker (the result of one
task that the others depend on, copied to every worker before they start), not with each
task, and tasks are pure, so the tasks of a worker that dies are re-run elsewhere by the
scheduler (``distributed.scheduler.allowed-failures``) with the same result.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import os
import socket
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from salesflow.data.errors import UserError
from salesflow.data.i18n import _

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

P = TypeVar("P")
R = TypeVar("R")

SCHEDULER_ENV = "SALESFLOW_SCHEDULER"
"""Environment variable naming the Dask scheduler (as ``--scheduler``)."""

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the scheduler of ``--scheduler`` to answer."""


WORKER_TIMEOUT = 60.0
"""Seconds to wait for the scheduler of ``--scheduler`` to have a worker."""

LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "2s",
    "distributed.admin.system-monitor.interval": "5s",
}
"""Dask settings of the embedded cluster's workers: fewer wake-ups of the worker's event loop,
each of which takes the GIL from the running task. Their statistical profiler (a stack sample
every 10 ms, for a dashboard nobody opens here) is off: the per-series fits' task time fell
from 48.2 to 42.5 s on medium (4 alternating pairs) and from 392 to 364 s on large (2 pairs).
The loop's tick (Dask's default every 20 ms, only to warn of a blocked loop) every second, the
memory monitor (100 ms; it pauses a worker near its memory limit, and the nanny's ends one
beyond it, both now within 2 s) every 2 s and the system monitor (500 ms, dashboard figures)
every 5 s: one task of 400 medium series took 4 % longer on a worker with these settings than
in one process, 13 % with Dask's wake-ups, 16 % with Dask's defaults; the task's own CPU time
rose with its wall time: work done in the task's time, not waiting (BENCHMARKS.md,
``worker-wakeups``, its earlier run; ``benchmarks/worker_wakeups.py``). The scheduler and
the nannies, which run in the calling process beside its share of the forecast (finishing
each series as its chunk arrives), start with the same intervals (the profiler setting does
not concern them): that process's CPU while the cluster idles falls from 6.1 % of a core to
1.0 % (same section)."""

LOCAL_NANNY_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
"""The embedded cluster's worker processes keep glibc's own memory settings. Dask's nannies set
``MALLOC_TRIM_THRESHOLD_=65536`` before starting a worker, to hand freed memory back to the
system sooner; setting it switches off glibc's adaptive threshold for ``mmap``, so every numpy
array over 128 KiB is mapped fresh from the system (page faults, zeroed pages) and returned
when freed. The purchase start's per-SKU dynamic program, whose blocks are arrays of a few
megabytes, took 17.2 s on xlarge's six largest suppliers with the setting against 12.9 s
without it in one process (its order-cost table 4.6 s against 1.4 s). Workers of a cluster
started elsewhere (``--scheduler``) keep whatever their nannies set."""


class SchedulerError(UserError):
    """The Dask scheduler cannot be reached (or Dask is not installed). Exit code 2."""


def _limited(func: Callable[[P, Any], R], part: P, shared: Any) -> R:
    """``func(part, shared)`` with one BLAS/OpenMP thread (statsmodels' optimizers make
    thousands of tiny BLAS calls, much slower multi-threaded on a busy machine)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return func(part, shared)


def _given(value: Any) -> Any:
    return value


def local_version() -> str:
    """The installed salesflow's version (what every worker of a scheduler must run)."""
    try:
        return importlib.metadata.version("salesflow")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def check_worker_versions(answers: dict[str, object], mine: str) -> list[str]:
    """One line per worker of ``answers`` (``client.run(importlib.metadata.version,
    "salesflow", on_error="return")``: a version or the exception) that cannot run this
    machine's tasks: salesflow missing there or another version."""
    lines = []
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            lines.append(_("{worker}: salesflow is not installed there ({reason})").format(
                worker=worker, reason=type(answer).__name__))
        elif answer != mine:
            lines.append(_("{worker}: salesflow {theirs}, this machine {mine}").format(
                worker=worker, theirs=answer, mine=mine))
    return lines


def dask_installed() -> bool:
    """Whether ``dask.distributed`` can be imported (``pip install 'salesflow[dask]'``)."""
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


def _require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:  # pragma: no cover - a dependency; a broken install
        raise SchedulerError(_(
            "Running on several processes or a cluster needs Dask: "
            "pip install 'salesflow[dask]'")) from exc


def _probe(address: str) -> None:
    """Fail fast, with the reason, when nothing listens at a ``tcp://host:port`` address
    (Dask itself would retry for the whole timeout)."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return  # inproc://, ucx:// ...: left to Dask
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise SchedulerError(_(
            "Dask scheduler address {address}: expected tcp://HOST:PORT (for example "
            "tcp://127.0.0.1:8786)").format(address=address))
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        raise SchedulerError(_(
            "Cannot reach the Dask scheduler at {address}: connecting to {host} port {port} "
            "failed within {seconds} s ({reason}). Start it with `dask scheduler` or correct "
            "--scheduler / SALESFLOW_SCHEDULER.").format(
                address=address, host=host, port=port, seconds=int(CONNECT_TIMEOUT),
                reason=exc.strerror or type(exc).__name__)) from exc


class ClusterSession:
    """The Dask client of one command, created on first use.

    Parameters
    ----------
    address:
        Scheduler address (``tcp://host:8786``); ``None``: ``SALESFLOW_SCHEDULER`` if set,
        else an embedded local cluster.
    """

    def __init__(self, address: str | None = None) -> None:
        self.address = address or os.environ.get(SCHEDULER_ENV) or None
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None
        self._workers = 0
        self._checked = False
        self._lock = threading.Lock()

    @property
    def remote(self) -> bool:
        """Whether a scheduler address was given (every map then goes to it)."""
        return self.address is not None

    def client(self, workers: int) -> Client:
        """The client: connected to the scheduler, or to a local cluster of ``workers``
        worker processes (started now unless one of that size runs already).

        Raises
        ------
        SchedulerError
            If the scheduler cannot be reached or Dask is not installed.
        """
        with self._lock:
            if self._client is not None and (self.remote or self._workers == workers):
                return self._client
            _require_distributed()
            import dask
            from distributed import Client, LocalCluster

            self._close()
            if self.remote:
                assert self.address is not None
                _probe(self.address)
                try:
                    self._client = Client(self.address, timeout=CONNECT_TIMEOUT,
                                          set_as_default=False)
                except (OSError, TimeoutError, ValueError) as exc:
                    raise SchedulerError(_(
                        "Cannot connect to the Dask scheduler at {address} within {seconds} s "
                        "({reason}).").format(address=self.address,
                                              seconds=int(CONNECT_TIMEOUT),
                                              reason=str(exc) or type(exc).__name__)) from exc
            else:
                # Each nanny starts its worker, and restarts it after a crash, with this
                # process's configuration and these settings on top.
                # The scheduler and the nannies live in this process: they read the same
                # wake-up intervals when they start (this process's settings are restored).
                with dask.config.set({**LOCAL_WORKER_CONFIG, **LOCAL_NANNY_CONFIG}):
                    self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                                 processes=True, dashboard_address=":0",
                                                 silence_logs=40, config=LOCAL_WORKER_CONFIG)
                self._client = Client(self._cluster, set_as_default=False)
                self._workers = workers
            return self._client

    def worker_count(self, workers: int) -> int:
        """How many workers a map will have: the scheduler's current workers when a
        scheduler was given (at least 1), else ``workers`` (the local cluster's size).

        Raises
        ------
        SchedulerError
            If the scheduler cannot be reached.
        """
        if not self.remote:
            return workers
        info = self.client(workers).scheduler_info()
        return max(1, len(info.get("workers", {})))

    def _close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client, self._cluster, self._workers = None, None, 0
        self._checked = False

    def close(self) -> None:
        """Shut down the client (and the local cluster); a later map starts a new one."""
        with self._lock:
            self._close()

    def _check_workers(self, client: Client) -> None:
        """Refuse a cluster whose workers lack this salesflow version: a worker that cannot
        unpickle a task (salesflow missing, another version) would leave it waiting forever.
        Asked once per session, with a function of the standard library (any worker can run
        it)."""
        if self._checked:
            return
        answers = client.run(importlib.metadata.version, "salesflow", on_error="return")
        problems = check_worker_versions(answers, local_version())
        if problems:
            raise SchedulerError(_(
                "The Dask workers of {address} cannot run this salesflow's tasks: {problems}. "
                "Install the same version on every worker (pip install 'salesflow[dask]') and "
                "restart them.").format(address=self.address, problems="; ".join(problems)))
        self._checked = True

    def map_parts(self, func: Callable[[P, Any], R], parts: Sequence[P], shared: Any,
                  workers: int, progress: Callable[[int, R], None] | None = None,
                  priority: int = 0) -> list[R]:
        """``func(part, shared)`` for every part as Dask tasks of ``priority``; results in
        ``parts`` order.

        ``progress(index, result)`` is called with the index and result of each part as it
        finishes (in this thread).
        """
        from distributed import as_completed

        client = self.client(workers)
        if self.remote:
            try:
                client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
            except (TimeoutError, OSError) as exc:
                raise SchedulerError(_(
                    "The Dask scheduler at {address} has no workers (waited {seconds} s): "
                    "start them with `dask worker {address}`.").format(
                        address=self.address, seconds=int(WORKER_TIMEOUT))) from exc
            self._check_workers(client)
        tag = uuid.uuid4().hex[:12]
        name = getattr(func, "__name__", "part")
        # The shared inputs as the result of a task rather than scattered data: a worker
        # copies them once from a peer when its first task needs them, and if every worker
        # holding them dies the scheduler computes them again (scattered data would be lost).
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*large graph", category=UserWarning)
            on_workers = client.submit(_given, shared, key=f"shared-{name}-{tag}", pure=False)
        # Copied to every worker now, while they are idle: a worker fetches a dependency
        # from a peer's communication thread, which cannot answer while that peer's task
        # holds the GIL (an OR-Tools search does for its whole time limit), so fetched
        # later the second worker would wait for the first one's task to end, and the
        # scheduler, seeing a large input on one worker, would queue the tasks there.
        client.replicate([on_workers])
        futures = [client.submit(_limited, func, part, on_workers, key=f"{name}-{tag}-{i}",
                                 pure=False, priority=priority)
                   for i, part in enumerate(parts)]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(futures)
        try:
            for future in as_completed(futures, loop=client.loop):
                i = index[future.key]
                try:
                    out[i] = future.result()
                except CancelledError as exc:  # distributed's FutureCancelledError
                    if not self.remote:
                        raise
                    raise SchedulerError(_(
                        "The Dask cluster at {address} dropped the tasks ({reason}). The "
                        "scheduler and every worker need the same salesflow version as this "
                        "machine (pip install 'salesflow[dask]', then restart them); the "
                        "scheduler's log says more.").format(
                            address=self.address, reason=str(exc))) from exc
                # Fetched: the worker may forget it (each worker held every result it had
                # made until the last task ended: 2.7 GB each on 100,000 series).
                future.release()
                if progress is not None:
                    progress(i, out[i])
        finally:
            client.cancel([*(f for f in futures if not f.done()), on_workers])
        return out


_SESSION: ClusterSession | None = None
_SESSION_LOCK = threading.Lock()


def current_session() -> ClusterSession:
    """The session parallel maps use (created from ``SALESFLOW_SCHEDULER`` on first use)."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            _SESSION = ClusterSession()
        return _SESSION


def use_scheduler(address: str | None) -> ClusterSession:
    """Make the parallel maps of this process use ``address`` (``None``: the environment's
    ``SALESFLOW_SCHEDULER``, else a local cluster); closes the previous session."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is not None:
            _SESSION.close()
        _SESSION = ClusterSession(address)
        return _SESSION


def close_session() -> None:
    """Close the current session's client and local cluster, if any (end of a command)."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is not None:
            _SESSION.close()
        _SESSION = None


@contextmanager
def session(address: str | None = None) -> Iterator[ClusterSession]:
    """``with session("tcp://host:8786"):`` every parallel map inside runs there."""
    try:
        yield use_scheduler(address)
    finally:
        close_session()


atexit.register(close_session)
