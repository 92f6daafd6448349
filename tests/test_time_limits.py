"""``--time-limit`` bounds every solver call a command makes: each engine's solve function is
wrapped to record the limits it receives (the solve itself still runs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from salesflow.data.dataset.config import PlanningConfig
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing import stage as purchasing_stage
from salesflow.optimizer.routing import stage as routing_stage
from salesflow.optimizer.staffing import planner


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """``(engine, time limit)`` of every solver call made while the test runs."""
    calls: list[tuple[str, float]] = []

    def spy(engine: str, real: Callable[..., Any], position: int) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            limits = args[position] if len(args) > position else kwargs["limits"]
            calls.append((engine, limits.time_limit_seconds))
            return real(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(purchasing_stage, "solve_purchasing",
                        spy("purchasing", purchasing_stage.solve_purchasing, 1))
    monkeypatch.setattr(planner, "solve_roster", spy("staffing", planner.solve_roster, 1))
    # the routing stage sets up each day's solve (and its limits) with prepare_routing, then
    # runs the searches as tasks
    monkeypatch.setattr(routing_stage, "prepare_routing",
                        spy("routing", routing_stage.prepare_routing, 1))
    return calls


def test_weekly_time_limit_bounds_every_solver(tiny_dir: Path, tmp_path: Path,
                                               run_cli: Callable[..., Any],
                                               recorded: list[tuple[str, float]]) -> None:
    result = run_cli("weekly", "--data", tiny_dir, "--store", tmp_path / "s",
                     "--time-limit", "5", "--json")
    assert result.exit_code == 0, result.output
    assert {engine for engine, _ in recorded} == {"purchasing", "staffing", "routing"}
    assert all(seconds <= 5 for _, seconds in recorded), recorded


def test_staff_time_limit_bounds_its_purchase_solve_too(tiny_dir: Path,
                                                        run_cli: Callable[..., Any],
                                                        recorded: list[tuple[str, float]]
                                                        ) -> None:
    result = run_cli("staff", "--data", tiny_dir, "--time-limit", "5", "--json")
    assert result.exit_code == 0, result.output
    assert [engine for engine, _ in recorded] == ["purchasing", "staffing"]
    assert all(seconds == 5 for _, seconds in recorded), recorded


def test_limits_come_from_the_config_unless_given() -> None:
    config = PlanningConfig()
    assert SolveLimits.from_config(config) == SolveLimits(60.0, 2, 0)
    assert SolveLimits.from_config(config, 5, seed=3, workers=1) == SolveLimits(5.0, 1, 3)
    with pytest.raises(ValueError, match="time_limit_seconds must be > 0"):
        SolveLimits(0.0)
    with pytest.raises(ValueError, match="work_limit must be > 0"):
        SolveLimits(work_limit=0)
    assert SolveLimits(relative_gap=None).gap(0.01) == 0.01
    assert SolveLimits(relative_gap=0.0).gap(0.01) == 0.0
