"""Benchmark (c): generated datasets, the plan against the three baselines.

For each dataset a demand file is made from its own history (each SKU's sales of the same
weeks a year before the planned weeks, ``data.demand_input.demand_from_history``), and
``salesflow purchase --demand`` is run on it in a fresh process, so the figures include
loading and are what a user sees.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from salesflow.benchmarks.locate import salesflow_command
from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.demand_input import demand_from_history
from salesflow.data.outputs.writers import csv_bytes, write_atomic


@dataclass(frozen=True)
class DatasetRow:
    name: str
    summary: dict
    wall: float

    @property
    def rules(self) -> dict[str, dict]:
        """Each baseline rule's figures in the one accounting (net of the stock value change)."""
        return self.summary["accounting"]["rules"]

    @property
    def best(self) -> tuple[str, dict]:
        """The baseline rule with the lowest net cost."""
        return min(self.rules.items(), key=lambda item: item[1]["net_cost"])

    @property
    def ratio(self) -> float:
        return self.summary["accounting"]["plan"]["net_cost"] / self.best[1]["net_cost"]


def make_demand(folder: Path, target: Path, weeks: int) -> Path:
    """Write the demand file of dataset ``folder`` for ``weeks`` weeks from its plan week."""
    dataset = load_dataset(folder)
    frame = demand_from_history(dataset.sales, dataset.plan_week_start(), weeks)
    write_atomic(target, csv_bytes(frame))
    return target


def generate(folder: Path, size: str, seed: int) -> Path:
    """``salesflow init folder --size size --seed seed`` (reused if already there)."""
    if not (folder / "skus.csv").exists():
        subprocess.run([*salesflow_command(), "init", str(folder),
                        "--size", size, "--seed", str(seed), "--force"], check=True,
                       capture_output=True)
    return folder


def run_dataset(name: str, folder: Path, work: Path, weeks: int = 12,
                time_limit: float = 60.0, forecast: bool = False) -> DatasetRow:
    """Plan ``folder`` against its own history (or, with ``forecast``, against the forecast
    over the dataset's horizon, safety stock from its quantiles, as ``weekly`` plans); the
    purchase command's JSON summary."""
    command = [*salesflow_command(), "purchase", "--data", str(folder),
               "--time-limit", str(time_limit), "--json"]
    if not forecast:
        command += ["--demand", str(make_demand(folder, work / f"{name}-demand.csv", weeks))]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return DatasetRow(name, json.loads(done.stdout), time.perf_counter() - started)


def markdown(rows: list[DatasetRow]) -> str:
    lines = ["| dataset | SKUs x weeks | plan net cost | best baseline | plan / best | "
             "plan / lot-for-lot, EOQ+ROP, min/max | shortage unit-weeks plan / best | "
             "solver | objective | bound | gap | solve time | planning time (limit) | "
             "command time |",
             "| --- | --- | ---: | --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: "
             "| ---: | ---: |"]
    for r in rows:
        s = r.summary
        plan = s["accounting"]["plan"]
        best_name, best = r.best
        others = ", ".join(f"{plan['net_cost'] / b['net_cost']:.3f}" for b in r.rules.values())
        shortage = s["plan"]["shortage_unit_weeks"]
        best_shortage = s["baselines"][best_name]["shortage_unit_weeks"]
        solve = s["solve"]
        gap = "n/a" if solve["gap"] is None else f"{solve['gap']:.2%}"
        bound = "n/a" if solve["bound"] is None else f"{solve['bound']:,.0f}"
        objective = "n/a" if solve["objective"] is None else f"{solve['objective']:,.0f}"
        lines.append(
            f"| {r.name} | {s['skus']} x {s['weeks']} | {plan['net_cost']:,.0f} | {best_name} "
            f"{best['net_cost']:,.0f} | **{r.ratio:.3f}** | {others} | "
            f"{shortage:,.0f} / {best_shortage:,.0f} | "
            f"{solve['status']} | {objective} | {bound} | {gap} | {solve['runtime_s']:.1f} s | "
            f"{s['planning_time_s']:.1f} s ({s['time_limit_s']:g} s) | {r.wall:.1f} s |")
    return "\n".join(lines) + "\n"
