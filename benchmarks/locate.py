"""Where the benchmarks find their data and the ``salesflow`` command.

The public benchmark files (M3, Trigeiro lot sizing, Curtois & Qu rostering, Solomon and
CVRPLIB routing) are not part of salesflow: every benchmark takes its folder as an option, or
from the environment variable ``SALESFLOW_BENCHMARK_DATA`` naming one folder that holds them
side by side (``m3/``, ``lotsizing/``, ``staffing/``, ``vrp/solomon``, ``vrp/x``).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

#: Environment variable naming the folder of the public benchmark data sets.
DATA_ENV = "SALESFLOW_BENCHMARK_DATA"


def data_folder(given: Path | None, subfolder: str) -> Path | None:
    """The folder given as an option, else ``$SALESFLOW_BENCHMARK_DATA/<subfolder>``, else None.

    Parameters
    ----------
    given:
        The folder named on the command line, if any; it wins over the environment.
    subfolder:
        The data set's folder inside ``$SALESFLOW_BENCHMARK_DATA``, e.g. ``"m3"`` or
        ``"vrp/solomon"``.

    Returns
    -------
    Path or None
        None when neither is given: the caller says which option to give (exit code 2).
    """
    if given is not None:
        return given
    root = os.environ.get(DATA_ENV, "").strip()
    return Path(root) / subfolder if root else None


def missing_data_message(option: str, subfolder: str, what: str) -> str:
    """The message for a benchmark started without its data folder: the option to give,
    what the folder holds, and the environment variable that may name it instead."""
    return (f"give {option} DIR ({what}) or set {DATA_ENV} to the folder holding "
            f"{subfolder}/")


def reproducible(command: str, from_env: bool) -> str:
    """``command`` as it can be re-run: prefixed with ``SALESFLOW_BENCHMARK_DATA=...`` when a
    data folder came from the environment rather than from an option."""
    if not from_env:
        return command
    return f"{DATA_ENV}={os.environ.get(DATA_ENV, '')} {command}"


def salesflow_command() -> list[str]:
    """The installed ``salesflow`` console script (beside this Python first), to run a command
    in a fresh process as a user does.

    Raises
    ------
    FileNotFoundError
        If no ``salesflow`` command is installed.
    """
    found = (shutil.which("salesflow", path=str(Path(sys.executable).parent))
             or shutil.which("salesflow"))
    if found is None:
        raise FileNotFoundError("the salesflow command is not installed; "
                                "pip install -e . from the repository root")
    return [found]
