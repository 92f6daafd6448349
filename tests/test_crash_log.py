"""An internal error is still an answer (issue 17): exit 1, one paragraph naming what failed,
the command line, the version and the crash log; the full traceback in that log; nothing
half-written. User errors stay exit 2, Ctrl-C exits 130 without a traceback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from salesflow import __version__
from salesflow.cli.crash import crash_folder
from salesflow.cli.main import cli
from salesflow.data.errors import NotFittedError
from salesflow.data.store.plan_store import PlanStore


def invoke(*args: object) -> Result:
    """The CLI as a user runs it: exceptions are the CLI's to answer (not re-raised here)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def _boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom: forced internal error")


@pytest.fixture
def minimal_dir(tiny_master: Path, tmp_path: Path) -> Path:
    """Sales, SKUs and suppliers only: a weekly run without routing and staffing (fast)."""
    folder = tmp_path / "minimal"
    folder.mkdir()
    for name in ("sales", "skus", "suppliers"):
        shutil.copy(tiny_master / f"{name}.csv", folder)
    return folder


def _one_log(folder: Path) -> Path:
    logs = sorted(folder.glob("*.log"))
    assert len(logs) == 1, logs
    return logs[0]


def _assert_no_plan(store: Path) -> None:
    assert PlanStore(store).list_plans() == []
    plans = store / "plans"
    assert not plans.exists() or not [p for p in plans.iterdir() if p.name[:1].isdigit()]


def test_stage_crash_in_weekly_exits_1_with_paragraph_and_log(
        minimal_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("salesflow.optimizer.weekly.purchasing_stage", _boom)
    store = tmp_path / "store"

    result = invoke("weekly", "--data", minimal_dir, "--store", store, "--time-limit", "1")

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    paragraph = result.stderr.strip()
    assert "\n" not in paragraph and "Traceback" not in result.output
    assert "RuntimeError: boom: forced internal error" in paragraph
    assert f"salesflow weekly --data {minimal_dir} --store {store} --time-limit 1" in paragraph
    assert f"salesflow {__version__}" in paragraph
    log = _one_log(store / "crashes")
    assert str(log) in paragraph
    assert log.name.endswith("-weekly.log") and log.name[:8].isdigit()
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in text
    assert "in through_staffing" in text and "RuntimeError: boom: forced internal error" in text
    assert f"salesflow: {__version__}" in text and "command: salesflow weekly" in text
    _assert_no_plan(store)


def test_crash_while_storing_the_plan_leaves_no_folder_or_row(
        minimal_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's files are in place under plans/<id>/ and its row inserted when the crash
    comes: the transaction rolls back and the folder goes."""
    reached: list[Path] = []

    def crash_after_rename(path: Path) -> None:
        if path.exists():  # called before and after the folder is renamed into place
            reached.append(path)
            raise RuntimeError("crash between the plan files and the commit")

    monkeypatch.setattr("salesflow.data.store.plan_store._noop", crash_after_rename)
    store = tmp_path / "store"

    result = invoke("weekly", "--data", minimal_dir, "--store", store, "--time-limit", "1")

    assert result.exit_code == 1, result.output
    assert reached, "the crash must come with the plan folder in place"
    assert "crash between the plan files and the commit" in result.stderr
    assert not reached[0].exists()
    _assert_no_plan(store)
    assert "Traceback" in _one_log(store / "crashes").read_text(encoding="utf-8")


def test_crash_with_json_gives_the_log_on_stdout(tiny_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("salesflow.data.dataset.load_dataset", _boom)
    store = tmp_path / "store"
    store.mkdir()

    result = invoke("validate", "--data", tiny_dir, "--store", store, "--json")

    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["exit_code"] == 1
    assert payload["version"] == __version__
    log = Path(payload["crash_log"])
    assert log.parent == store / "crashes" and log.name.endswith("-validate.log")
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    assert str(log) in result.stderr


def test_no_writable_store_logs_to_a_temp_file(tiny_dir: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("salesflow.data.dataset.load_dataset", _boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    store = tmp_path / "no" / "such" / "store"

    result = invoke("validate", "--data", tiny_dir, "--store", store)

    assert result.exit_code == 1
    log = _one_log(tmp_path / "tmp")
    assert log.name.startswith("salesflow-crash-") and str(log) in result.stderr
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "no").exists()


def test_database_url_store_logs_to_a_temp_file(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    assert crash_folder("postgresql://planner@db/salesflow") is None
    assert crash_folder(f"sqlite:///{tmp_path}/plans.db") == tmp_path / "crashes"
    assert crash_folder(str(tmp_path / "store")) == tmp_path / "store" / "crashes"
    assert crash_folder(str(tmp_path / "a" / "b")) is None


def test_internal_salesflow_error_is_a_crash_not_a_user_error(
        tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def not_fitted(*_args: object, **_kwargs: object) -> None:
        raise NotFittedError("model used before fit")

    monkeypatch.setattr("salesflow.data.dataset.load_dataset", not_fitted)
    result = invoke("validate", "--data", tiny_dir, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert "NotFittedError: model used before fit" in result.stderr
    assert _one_log(tmp_path / "store" / "crashes")


def test_user_error_stays_exit_2_without_a_crash_log(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    result = invoke("validate", "--data", tmp_path / "missing", "--store", store)
    assert result.exit_code == 2
    assert "no such dataset folder" in result.stderr
    assert not (store / "crashes").exists()


def test_ctrl_c_exits_130_with_one_line(tiny_dir: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("salesflow.data.dataset.load_dataset", interrupt)
    store = tmp_path / "store"
    result = invoke("validate", "--data", tiny_dir, "--store", store)
    assert result.exit_code == 130
    assert result.stderr.startswith("Interrupted (Ctrl-C)")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output and not (store / "crashes").exists()


def test_traceback_env_lets_the_exception_through(tiny_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  run_cli: Callable[..., Result]) -> None:
    monkeypatch.setattr("salesflow.data.dataset.load_dataset", _boom)
    monkeypatch.setenv("SALESFLOW_TRACEBACK", "1")
    with pytest.raises(RuntimeError, match="boom"):
        run_cli("validate", "--data", tiny_dir, "--store", tmp_path / "store")
