"""benchmarks/routing_depots.py: the table it writes from given runs (the runs themselves
are the benchmark's)."""

from __future__ import annotations

from salesflow.benchmarks import routing_depots


def _run(mode: str, objective: float, problems: int = 0) -> routing_depots.WeekRun:
    return routing_depots.WeekRun("large", mode, 5, 3_350, 3_350, objective, 100_000.0,
                                  150.0, 5, problems)


def test_the_section_sets_each_size_per_depot_against_the_whole_day() -> None:
    text = routing_depots.section([_run("whole day", 80_000.0), _run("per depot", 72_000.0, 2)],
                                  "python benchmarks/routing_depots.py --sizes large")
    assert "Command: `python benchmarks/routing_depots.py --sizes large`" in text
    whole, split = (line for line in text.splitlines() if line.startswith("| large |"))
    assert "| whole day |" in whole and "| 1.000 |" in whole and "| feasible |" in whole
    assert "| per depot |" in split and "| 0.900 |" in split and split.endswith("| 2 |")
