"""Helpers shared by the tests (not fixtures)."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def read_csv_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def edit_table(folder: Path, name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Rewrite ``folder/name.csv`` with ``change`` applied to its text frame."""
    path = folder / f"{name}.csv"
    change(read_csv_text(path)).to_csv(path, index=False, lineterminator="\n")


def tree_snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder`` (directories as ``dir``)."""
    if not folder.exists():
        return {}
    snap = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        snap[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return snap


def set_cell(column: str, value: str, row: int = 0) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A change for :func:`edit_table` that sets one cell (``row`` counts data rows from 0)."""
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.loc[row, column] = value
        return frame
    return change


def chromium_dom(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``page`` opened in headless Chromium (Debian's ``chromium``), offline, with its own
    ``profile`` folder: the DOM on stdout, console messages on stderr (``extra``: more
    switches, e.g. ``--virtual-time-budget=5000`` to let scripts run)."""
    return subprocess.run(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", *extra, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
