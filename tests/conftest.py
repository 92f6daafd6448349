"""Shared fixtures: a generated tiny dataset, copied per test, and a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# The plan store's backends (SQLite, PostgreSQL): `backend`, `postgres_url` for any test.
from store_backends import backend, postgres_admin_url, postgres_url  # noqa: F401

from salesflow.cli.main import cli

# Hypothesis: CI is reproducible (derandomized, no example database); HYPOTHESIS_PROFILE=slow
# draws fresh examples, ten times as many in the dataset fuzz tests (tests/test_fuzz_*.py).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("slow", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in English whatever the machine's locale; a test that wants another
    language asks for it (``--lang zh-TW``, ``SALESFLOW_LANG``, ``set_language``)."""
    from salesflow.data.i18n import set_language

    for name in ("LC_ALL", "LC_MESSAGES", "SALESFLOW_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")


@pytest.fixture(scope="session")
def tiny_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny generated dataset (seed 0); never modify it, copy it with ``tiny_dir``."""
    from salesflow.data.generator import generate_dataset, write_dataset

    folder = tmp_path_factory.mktemp("tiny-master")
    write_dataset(generate_dataset("tiny", 0), folder, "csv")
    return folder


@pytest.fixture
def tiny_dir(tiny_master: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny dataset that the test may edit."""
    folder = tmp_path / "data"
    shutil.copytree(tiny_master, folder)
    return folder


@pytest.fixture
def run_cli() -> Callable[..., object]:
    """Invoke the CLI in-process; returns click's Result (stdout and stderr separate).

    Exceptions other than user errors are raised to the test (SALESFLOW_TRACEBACK=1) instead
    of being answered with a crash log; tests/test_crash_log.py checks that answer."""
    runner = CliRunner(env={"SALESFLOW_TRACEBACK": "1"})

    def invoke(*args: str, **kwargs: object) -> object:
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return invoke
