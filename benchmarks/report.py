"""Write one section of BENCHMARKS.md (between its BEGIN/END markers), leaving the rest."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def machine_line() -> str:
    """When and where the figures were measured."""
    import os

    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"Measured {stamp} on {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}.")


def checkout_commit(root: Path = BENCHMARKS_MD.parent) -> str:
    """The short commit of the checkout the benchmark runs from, ``+changes`` appended when
    its tracked files differ from it; ``""`` outside a git checkout (an installed salesflow)
    or without git."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=True, timeout=30).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return ""
    return commit + ("+changes" if changed else "")


def _checked(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"no {path.name} at {path}: the figures are kept in a source "
                                "checkout of salesflow (run the benchmark from there)")
    return path


def _split(text: str, name: str, path: Path) -> tuple[str, str, str]:
    """``text`` before the section's BEGIN marker (included), between the markers, and from
    its END marker (included) on."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    if begin not in text or end not in text:
        raise ValueError(f"{path} has no {begin} ... {end} section")
    head, rest = text.split(begin, 1)
    body, tail = rest.split(end, 1)
    return head + begin, body, end + tail


def read_section(name: str, path: Path = BENCHMARKS_MD) -> str:
    """The text between ``<!-- BEGIN name -->`` and ``<!-- END name -->``.

    Raises
    ------
    FileNotFoundError
        If there is no BENCHMARKS.md.
    ValueError
        If the markers are missing.
    """
    return _split(_checked(path).read_text(encoding="utf-8"), name, path)[1]


def write_section(name: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->``.

    Raises
    ------
    FileNotFoundError
        If there is no BENCHMARKS.md (an installed salesflow has none: write from a checkout).
    ValueError
        If the markers are missing.
    """
    import fcntl
    import os

    _checked(path)
    # benchmark scripts of different sections may finish at the same moment: read, replace
    # and rename under one lock so that no section's update is lost
    with path.with_name(path.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        head, _, tail = _split(path.read_text(encoding="utf-8"), name, path)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(f"{head}\n{body.strip()}\n{tail}", encoding="utf-8")
        temporary.replace(path)
