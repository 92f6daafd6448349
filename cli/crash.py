"""An internal error is still an answer: one paragraph for the user, the traceback in a file.

A bug (any exception that is not a :class:`~salesflow.data.errors.UserError`) makes the CLI
print one paragraph (what failed, the command line, the salesflow version, where the full
traceback was written) and exit with code 1, which is kept for that. The traceback goes to
``<store>/crashes/<UTC timestamp>-<command>.log`` when the store is a folder (or a SQLite
file) whose parent folder exists, else to a file in the system's temporary folder. Plans,
exports and the store are written all at once (``salesflow.data.atomic``), so a crash leaves
nothing half-written.

Set ``SALESFLOW_TRACEBACK=1`` to let the exception (and Ctrl-C) through instead, to a debugger
or a test (the ``run_cli`` fixture of the tests does).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shlex
import sys
import tempfile
import traceback
from importlib import metadata
from pathlib import Path

from salesflow.data.i18n import _

CRASH_EXIT = 1
"""Exit code of an internal error (user errors exit with 2)."""
INTERRUPTED_EXIT = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells report it."""
CRASH_FOLDER = "crashes"
TRACEBACK_ENV = "SALESFLOW_TRACEBACK"
_PACKAGES = ("pandas", "numpy", "ortools", "statsmodels", "scikit-learn", "scipy", "SQLAlchemy",
             "click", "pyarrow", "openpyxl")


def command_line(argv: list[str] | None) -> str:
    """The command as the user typed it (``salesflow weekly --data shop``)."""
    return shlex.join(["salesflow", *(argv if argv is not None else sys.argv[1:])])


def crash_folder(store: str | None) -> Path | None:
    """``crashes/`` in the store, or ``None`` when the store is not a local folder or file."""
    if not store:
        return None
    if store.startswith("sqlite:///"):
        database = Path(store.removeprefix("sqlite:///").split("?", 1)[0])
        home = database.parent
    elif "://" in store:
        return None  # a database server: no folder of ours
    else:
        home = Path(store)
    if not (home.is_dir() or home.parent.is_dir()):
        return None
    return home / CRASH_FOLDER


def _versions() -> str:
    found = []
    for name in _PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def _log_text(exc: BaseException, command: str, version: str, now: dt.datetime) -> str:
    lines = [
        "salesflow crash report",
        f"time (UTC): {now.isoformat(timespec='seconds')}",
        f"command: {command}",
        f"working folder: {Path.cwd()}",
        f"salesflow: {version}",
        f"python: {platform.python_version()} ({platform.platform()})",
        f"packages: {_versions()}",
        "",
    ]
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return "\n".join(lines) + "\n" + trace


def write_crash_log(exc: BaseException, *, command: str, command_name: str, store: str | None,
                    version: str) -> Path:
    """Write the crash report of ``exc``; return its path (the store's, else a temp file)."""
    now = dt.datetime.now(dt.UTC)
    text = _log_text(exc, command, version, now).encode("utf-8", errors="replace")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", command_name).strip("-") or "salesflow"
    name = f"{now.strftime('%Y%m%dT%H%M%S.%fZ')}-{safe}.log"
    folder = crash_folder(store)
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            with path.open("xb") as handle:
                handle.write(text)
            return path
        except OSError:
            pass  # not writable: the temp folder below
    handle_fd, temp = tempfile.mkstemp(prefix=f"salesflow-crash-{name[:-4]}-", suffix=".log")
    with os.fdopen(handle_fd, "wb") as handle:
        handle.write(text)
    return Path(temp)


def _where(exc: BaseException) -> str:
    """The innermost frame of the traceback, as ``file line N, in function``."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    file = last.filename
    marker = f"{os.sep}salesflow{os.sep}"
    if marker in file:
        file = "salesflow" + os.sep + file.rsplit(marker, 1)[1]
    return f" ({file} line {last.lineno}, in {last.name})"


def crash_paragraph(exc: BaseException, *, command: str, version: str, log: Path) -> str:
    """The one paragraph the user reads."""
    what = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if len(what) > 300:
        what = what[:297] + "..."
    return _("salesflow failed with an internal error, a bug rather than a problem with your "
             "input: {what}{where}. Command: {command}. salesflow {version}, Python "
             "{python}. The full traceback is in {log}; please attach it when you report the "
             "problem. Plans, exports and the store are written all at once, so nothing was "
             "half-written.").format(what=what, where=_where(exc), command=command,
                                     version=version, python=platform.python_version(),
                                     log=log)


def interrupted_message() -> str:
    return _("Interrupted (Ctrl-C): stopped; plans, exports and the store are written all at "
             "once, so nothing was half-written.")


def wants_traceback() -> bool:
    """Whether ``SALESFLOW_TRACEBACK`` asks to let exceptions through."""
    return os.environ.get(TRACEBACK_ENV, "").strip().lower() in ("1", "true", "yes")
