"""Without a PostgreSQL server the PostgreSQL store cases are skipped with their reason, never
silently, and ``SALESFLOW_REQUIRE_POSTGRES=1`` turns that into a failure (a pytest run in a
child process whose ``pg_cluster`` finds no server binaries)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

TESTS = Path(__file__).parent

CONFTEST = '''
import pg_cluster
from store_backends import backend, postgres_admin_url, postgres_url  # noqa: F401


def _none():
    raise pg_cluster.NoServer("no PostgreSQL server binaries (a test's stand-in)")


pg_cluster.binaries = _none
'''

TEST = '''
def test_both(backend):
    assert backend.name in ("sqlite", "postgresql")
'''


def _run(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_both.py").write_text(TEST)
    env = {k: v for k, v in os.environ.items()
           if k not in ("SALESFLOW_TEST_POSTGRES_URL", "SALESFLOW_REQUIRE_POSTGRES")}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    if require:
        env["SALESFLOW_REQUIRE_POSTGRES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", "-q", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_no_server_is_a_visible_skip(tmp_path: Path) -> None:
    done = _run(tmp_path, require=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 skipped" in done.stdout
    assert "SKIPPED [1]" in done.stdout
    assert "PostgreSQL unavailable: no PostgreSQL server binaries" in done.stdout


def test_no_server_fails_when_required(tmp_path: Path) -> None:
    done = _run(tmp_path, require=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed" in done.stdout and "skipped" not in done.stdout
    assert "SALESFLOW_REQUIRE_POSTGRES=1 but PostgreSQL is unavailable" in done.stdout


def test_skip_reasons_are_printed_by_default() -> None:
    pyproject = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert "-rs" in pyproject["tool"]["pytest"]["ini_options"]["addopts"].split()


@pytest.mark.parametrize("name", ["start", "stop"])
def test_pg_cluster_usage(name: str) -> None:
    done = subprocess.run([sys.executable, str(TESTS / "pg_cluster.py"), name],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "usage: python tests/pg_cluster.py" in done.stderr
