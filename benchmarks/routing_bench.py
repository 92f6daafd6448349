"""Routing benchmark: salesflow's OR-Tools portfolio and PyVRP on the same instances and limit.

Runs every Solomon instance (default 30 s each) and every CVRPLIB X instance (default 60 s
each) first with salesflow (``routing_harness``, 2 parallel searches), then
with PyVRP (one core, its default hybrid genetic search) under the same wall-clock limit and
the same distance convention on every X instance and two Solomon instances per class (to keep
the run under ~50 minutes), checks both with salesflow's independent checker, and writes the
``routing`` section of BENCHMARKS.md (per instance and per class). It also plans a generated
day of 300 stops and 25 vehicles (60 s) and the bundled sample week, against the
nearest-neighbour baseline. PyVRP is a benchmark-only dependency
(``pip install -e '.[bench]'``).

    flock /tmp/salesflow-bench.lock python benchmarks/routing_bench.py \
        --solomon DIR/vrp/solomon --x DIR/vrp/x

Options: ``--solomon DIR``, ``--x DIR`` (the instance folders; defaults
``$SALESFLOW_BENCHMARK_DATA/vrp/solomon`` and ``.../vrp/x``, at least one set is required),
``--bks FILE`` (default: ``bks.csv`` beside the instance folders), ``--solomon-time``,
``--x-time``, ``--only NAMES``, ``--no-pyvrp``, ``--pyvrp-only NAMES|all``, ``--day-time``,
``--no-business``, ``--no-write`` and ``--rows FILE`` (a JSON copy of every row).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from salesflow.benchmarks.locate import data_folder, missing_data_message, reproducible
from salesflow.benchmarks.report import machine_line, write_section
from salesflow.benchmarks.routing_harness import gap_pct, list_instances, run_salesflow
from salesflow.data.instances.vrp_formats import SOLOMON, VrpInstance, read_instance
from salesflow.data.instances.vrp_solutions import read_bks
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.routing.instance_check import check_instance_solution
from salesflow.optimizer.routing.instances import fleet_size, instance_distances


def pyvrp_solve(instance: VrpInstance, seconds: float, seed: int = 0) -> tuple[list[list[int]],
                                                                               float]:
    """PyVRP's best routes for ``instance`` under salesflow's convention, and its runtime."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    dist, scale = instance_distances(instance)
    assert instance.coords is not None
    started = time.time()
    model = Model()
    locations = [model.add_location(float(x), float(y)) for x, y in instance.coords]
    if instance.kind == SOLOMON:
        assert instance.ready is not None and instance.due is not None
        assert instance.service is not None
        ready = np.rint(instance.ready * scale).astype(int)
        due = np.rint(instance.due * scale).astype(int)
        service = np.rint(instance.service * scale).astype(int)
        depot = model.add_depot(locations[0], tw_early=int(ready[0]), tw_late=int(due[0]))
        model.add_vehicle_type(num_available=fleet_size(instance),
                               capacity=int(instance.capacity), start_depot=depot,
                               end_depot=depot, tw_early=int(ready[0]), tw_late=int(due[0]))
        for i in range(1, len(locations)):
            model.add_client(locations[i], delivery=int(instance.demands[i]),
                             service_duration=int(service[i]), tw_early=int(ready[i]),
                             tw_late=int(due[i]))
        durations = dist
    else:
        depot = model.add_depot(locations[0])
        model.add_vehicle_type(num_available=instance.num_customers,
                               capacity=int(instance.capacity), start_depot=depot,
                               end_depot=depot)
        for i in range(1, len(locations)):
            model.add_client(locations[i], delivery=int(instance.demands[i]))
        durations = np.zeros_like(dist)
    for i, frm in enumerate(locations):
        for j, to in enumerate(locations):
            if i != j:
                model.add_edge(frm, to, distance=int(dist[i, j]), duration=int(durations[i, j]))
    remaining = max(0.1, seconds - (time.time() - started))
    result = model.solve(stop=MaxRuntime(remaining), seed=seed, display=False)
    # Activities list depots too; a client activity's idx counts clients from 0.
    routes = [[int(a.idx) + 1 for a in route if a.is_client()]
              for route in result.best.routes()]
    return routes, time.time() - started


def run_pyvrp(files: list[Path], seconds: float, bks: dict[tuple[str, str], float],
              log: Any) -> list[dict[str, Any]]:
    rows = []
    for path in files:
        instance = read_instance(path)
        routes, runtime = pyvrp_solve(instance, seconds)
        check = check_instance_solution(instance, routes)
        best = bks.get((instance.name, instance.kind))
        cost = check.cost if check.feasible else None
        row = {"instance": instance.name, "kind": instance.kind, "vehicles": check.vehicles,
               "distance": cost, "bks": best, "gap_pct": gap_pct(cost, best),
               "feasible": check.feasible, "problems": list(check.problems),
               "seconds": round(runtime, 2)}
        rows.append(row)
        log(f"pyvrp     {row['instance']:<12} {row['vehicles']:>3} {cost} gap "
            f"{row['gap_pct']} feasible={row['feasible']} {row['seconds']} s")
    return rows


# --- business days: a generated 300-stop day and the bundled sample week --------------------

#: Solomon instances PyVRP runs on by default (two of each class; all X instances run).
PYVRP_SOLOMON = ("C101", "C106", "C201", "C205", "R101", "R107", "R201", "R207", "RC101",
                 "RC105", "RC201", "RC205")


def generated_day(stops: int = 300, vehicles: int = 25, seed: int = 11) -> Any:
    """A random delivery day: ``stops`` customers within ~30 km of one depot, 3-hour windows
    starting at 8:00, 10:00, 12:00 or 14:00, 8 service minutes, 20-200 kg and 0.1-1.5 m³ each;
    ``vehicles`` identical vans (2 t, 15 m³, 7:00-19:00, fixed 50, 0.5/km, 30/h)."""
    import datetime as dt

    from salesflow.optimizer.routing.distances import DistanceModel
    from salesflow.optimizer.routing.problem import Depot, RoutingProblem, Stop, Vehicle

    rng = np.random.default_rng(seed)
    depot = Depot("D1", "Depot", 50.0, 10.0, 360, 1200)
    starts = rng.choice([480, 600, 720, 840], size=stops)
    customers = tuple(
        Stop(f"C{k:03d}", f"Customer {k}", 50.0 + float(rng.uniform(-0.25, 0.25)),
             10.0 + float(rng.uniform(-0.4, 0.4)), float(rng.uniform(20, 200)),
             float(rng.uniform(0.1, 1.5)), int(ws), int(ws) + 180, 8.0, 1)
        for k, ws in enumerate(starts))
    fleet = tuple(Vehicle(f"V{v:02d}", "D1", 2000.0, 15.0, 50.0, 0.5, 30.0, 420, 1140)
                  for v in range(vehicles))
    lats = np.array([depot.lat] + [s.lat for s in customers])
    lons = np.array([depot.lon] + [s.lon for s in customers])
    km, minutes = DistanceModel(circuity_factor=1.3, average_speed_kmh=40.0).matrices(lats, lons)
    return RoutingProblem(dt.date(2026, 1, 13), (depot,), fleet, customers, km, minutes, 0)


def _on_time(problem: Any, plan: Any) -> tuple[int, int]:
    """Served stops whose service starts inside the window, and served stops."""
    by_id = {s.customer_id: s for s in problem.stops}
    visits = [v for r in plan.routes for v in r.visits]
    inside = sum(by_id[v.customer_id].window_start - 1e-6 <= v.start_service
                 <= by_id[v.customer_id].window_end + 1e-6 for v in visits)
    return inside, len(visits)


def run_business(day_time: float, seed: int, log: Any) -> dict[str, Any]:
    """Solve the generated 300-stop day at ``day_time`` seconds and the sample week with its
    own config; check both with the independent checker."""
    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.optimizer.routing.check import check_route_plan
    from salesflow.optimizer.routing.solver import solve_routing
    from salesflow.optimizer.routing.stage import routing_stage

    problem = generated_day()
    began = time.time()
    result = solve_routing(problem, SolveLimits(time_limit_seconds=day_time, seed=seed, workers=2))
    seconds = time.time() - began
    inside, _ = _on_time(problem, result.plan)
    day = {"stops": len(problem.stops), "vehicles": len(problem.vehicles),
           "limit": day_time, "seconds": round(seconds, 2), "served": result.plan.served_count,
           "unserved": len(result.plan.unserved), "routes": len(result.plan.routes),
           "inside": inside, "problems": check_route_plan(problem, result.plan),
           "cost": result.plan.cost_breakdown(problem)["total"],
           "baseline_cost": result.baseline.cost_breakdown(problem)["total"],
           "baseline_served": result.baseline.served_count, "policy": result.plan.policy}
    log(f"day       {day}")

    dataset = load_dataset(sample_data_dir())
    began = time.time()
    week = routing_stage(dataset, dataset.plan_week_start(None),
                         SolveLimits.from_config(dataset.config))
    seconds = time.time() - began
    ours = sum(p.cost_breakdown(prob)["total"] for prob, p in week.days)
    base = sum(p.cost_breakdown(prob)["total"] for prob, p in week.baseline)
    counts = [_on_time(prob, p) for prob, p in week.days]
    sample = {"days": len(week.days), "stops": sum(len(prob.stops) for prob, _ in week.days),
              "served": sum(p.served_count for _, p in week.days),
              "baseline_served": sum(p.served_count for _, p in week.baseline),
              "inside": sum(c[0] for c in counts), "cost": ours, "baseline_cost": base,
              "ratio": ours / base if base else None, "seconds": round(seconds, 2),
              "limit": float(dataset.config.solver.time_limit_seconds),
              "problems": [f"{prob.day}: {m}" for prob, p in week.days
                           for m in check_route_plan(prob, p)]}
    log(f"sample    {sample}")
    return {"day": day, "sample": sample}


def business_markdown(business: dict[str, Any]) -> list[str]:
    day, sample = business["day"], business["sample"]
    return [
        "", "Business days (same run):", "",
        "| case | stops | served | inside window | checker | cost | nearest-neighbour cost "
        "| ratio | seconds (limit) |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| generated day, {day['vehicles']} vehicles | {day['stops']} | {day['served']} | "
        f"{day['inside']}/{day['served']} | "
        f"{'ok' if not day['problems'] else str(len(day['problems'])) + ' problems'} | "
        f"{day['cost']:.2f} | {day['baseline_cost']:.2f} (serves {day['baseline_served']}) | "
        f"{day['cost'] / day['baseline_cost']:.3f} | {day['seconds']} ({day['limit']:g}) |",
        f"| sample week, {sample['days']} days | {sample['stops']} | {sample['served']} | "
        f"{sample['inside']}/{sample['served']} | "
        f"{'ok' if not sample['problems'] else str(len(sample['problems'])) + ' problems'} | "
        f"{sample['cost']:.2f} | {sample['baseline_cost']:.2f} (serves "
        f"{sample['baseline_served']}) | {_f(sample['ratio'], 3)} | {sample['seconds']} "
        f"({sample['limit']:g} per day) |",
        "", "Generated day: `routing_bench.generated_day()` (seed 11), 2 searches; sample week: "
        "`data/sample` with its config.toml limits. Ratio = OR-Tools plan cost / "
        "nearest-neighbour baseline cost (fixed + distance + time)."]


def _f(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    gaps = [r["gap_pct"] for r in rows if r["gap_pct"] is not None]
    return {"n": len(rows), "feasible": sum(r["feasible"] for r in rows),
            "mean": statistics.fmean(gaps) if gaps else None,
            "max": max(gaps) if gaps else None,
            "secs": statistics.fmean(r["seconds"] for r in rows) if rows else None}


def _group(name: str) -> str:
    if name.startswith("X-"):
        return "X"
    return name.rstrip("0123456789")[:3] if name[:2] == "RC" else name[:2]


def markdown(sets: list[tuple[str, float, list[dict[str, Any]], list[dict[str, Any]] | None]],
             command: str, business: dict[str, Any] | None = None) -> str:
    lines = [
        "Salesflow's routing engine (OR-Tools iterated local search with SISR ruin-and-recreate "
        "and simulated annealing, a portfolio of 2 searches on the 2 cores) against PyVRP "
        "(hybrid genetic search, 1 core), same wall-clock limit per instance and the same "
        "distance convention (Solomon: distance truncated to one decimal, at most the file's "
        "vehicles; X: EUC_2D rounded, unlimited fleet). Gap = distance / best-known "
        "(`bks.csv` of the benchmark data, same convention) - 1. Feasibility is checked "
        "by salesflow's independent checker for both solvers.",
        "",
        f"Reproduce: `{command}`",
        "",
        machine_line(),
        "",
        "| set | limit | instances | salesflow feasible | salesflow mean gap | salesflow max "
        "gap | PyVRP instances | salesflow mean gap on them | PyVRP feasible | PyVRP mean gap "
        "| PyVRP max gap | mean gap ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, seconds, ours, theirs in sets:
        groups = [(label, ours, theirs)]
        names = sorted({_group(r["instance"]) for r in ours})
        if len(names) > 1:
            for g in names:
                groups.append((f"  {label} {g}", [r for r in ours if _group(r["instance"]) == g],
                               None if theirs is None else
                               [r for r in theirs if _group(r["instance"]) == g]))
        for name, a_rows, b_rows in groups:
            a = _stats(a_rows)
            b = _stats(b_rows) if b_rows else None
            common = {r["instance"] for r in b_rows or ()}
            a_common = _stats([r for r in a_rows if r["instance"] in common]) if b else None
            ratio = (f"{(1 + a_common['mean'] / 100) / (1 + b['mean'] / 100):.4f}"
                     if b and a_common and a_common["mean"] is not None
                     and b["mean"] is not None else "-")
            lines.append(
                f"| {name} | {seconds:g} s | {a['n']} | {a['feasible']}/{a['n']} | "
                f"{_f(a['mean'])} % | {_f(a['max'])} % | {'-' if b is None else b['n']} | "
                f"{'-' if a_common is None else _f(a_common['mean']) + ' %'} | "
                f"{'-' if b is None else str(b['feasible']) + '/' + str(b['n'])} | "
                f"{'-' if b is None else _f(b['mean']) + ' %'} | "
                f"{'-' if b is None else _f(b['max']) + ' %'} | {ratio} |")
    lines += ["", "Mean gap ratio = (1 + salesflow mean gap) / (1 + PyVRP mean gap), both over "
              "the instances PyVRP ran (all X instances, two Solomon instances per class).", "",
              "<details><summary>Per instance</summary>", "",
              "| instance | BKS | salesflow routes | salesflow distance | gap | s | PyVRP routes "
              "| PyVRP distance | gap | s |", "| --- | --- | --- | --- | --- | --- | --- | --- "
              "| --- | --- |"]
    for _label, _seconds, ours, theirs in sets:
        by_name = {r["instance"]: r for r in (theirs or [])}
        for a in ours:
            b = by_name.get(a["instance"])
            lines.append(
                f"| {a['instance']} | {_f(a['bks'], 1)} | {a['vehicles']} | "
                f"{_f(a['distance'], 1)}{'' if a['feasible'] else ' (infeasible)'} | "
                f"{_f(a['gap_pct'])} % | {a['seconds']} | "
                f"{'-' if b is None else b['vehicles']} | "
                f"{'-' if b is None else _f(b['distance'], 1)} | "
                f"{'-' if b is None else _f(b['gap_pct']) + ' %'} | "
                f"{'-' if b is None else b['seconds']} |")
    lines += ["", "</details>"]
    if business is not None:
        lines += business_markdown(business)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solomon", type=Path, default=None,
                        help="Solomon instances (default: $SALESFLOW_BENCHMARK_DATA/vrp/solomon)")
    parser.add_argument("--x", type=Path, default=None,
                        help="CVRPLIB X instances (default: $SALESFLOW_BENCHMARK_DATA/vrp/x)")
    parser.add_argument("--bks", type=Path, default=None)
    parser.add_argument("--solomon-time", type=float, default=30.0)
    parser.add_argument("--x-time", type=float, default=60.0)
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-pyvrp", action="store_true")
    parser.add_argument("--pyvrp-only", default=",".join(PYVRP_SOLOMON),
                        help="Solomon instances PyVRP also runs (comma-separated, or 'all'); "
                             "PyVRP runs every X instance")
    parser.add_argument("--day-time", type=float, default=60.0,
                        help="limit of the generated 300-stop day")
    parser.add_argument("--no-business", action="store_true",
                        help="skip the generated day and the sample week")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--rows", type=Path, default=None, help="write all rows as JSON here")
    args = parser.parse_args(argv)

    only = tuple(n.strip() for n in args.only.split(",") if n.strip())
    solomon, x_set = data_folder(args.solomon, "vrp/solomon"), data_folder(args.x, "vrp/x")
    if solomon is None and x_set is None:
        parser.error(missing_data_message("--solomon DIR and --x", "vrp",
                                          "the Solomon and CVRPLIB X instance folders"))
    from_env = ((args.solomon is None and solomon is not None)
                or (args.x is None and x_set is not None))
    first = solomon if solomon is not None else x_set
    assert first is not None  # parser.error above when neither is given
    bks_file = args.bks or first.parent / "bks.csv"
    bks = read_bks(bks_file)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def on_row(row: dict[str, Any]) -> None:
        log(f"salesflow {row['instance']:<12} {row['vehicles']:>3} {row['distance']} gap "
            f"{row['gap_pct']} feasible={row['feasible']} {row['seconds']} s")

    command = "flock /tmp/salesflow-bench.lock python benchmarks/routing_bench.py"
    if argv or len(sys.argv) > 1:
        command += " " + " ".join(argv if argv is not None else sys.argv[1:])
    command = reproducible(command, from_env)

    business: dict[str, Any] | None = None

    def publish(sets: list, final: bool) -> str:
        text = markdown(sets, command, business)
        if not final:
            text += ("\n\n(PyVRP's half of this run was still running when this was written; "
                     "the PyVRP columns are filled in when it ends.)")
        if args.rows is not None:
            args.rows.write_text(json.dumps({"sets": [{"set": s[0], "salesflow": s[2],
                                                       "pyvrp": s[3]} for s in sets],
                                             "business": business}, indent=1, default=str))
        if not args.no_write and not only:
            write_section("routing", text)
        return text

    # salesflow on every set first (its figures are written as soon as they exist), then
    # PyVRP on the same instances with the same limits.
    chosen = []
    for label, folder, seconds in (("Solomon", solomon, args.solomon_time),
                                   ("X", x_set, args.x_time)):
        if folder is None:
            log(f"skipping {label}: no folder given")
            continue
        try:
            chosen.append((label, list_instances(folder, only), seconds))
        except Exception as exc:  # a set may be filtered out by --only
            log(f"skipping {label}: {exc}")
    sets: list = []
    for label, files, seconds in chosen:
        limits = SolveLimits(time_limit_seconds=seconds, seed=args.seed, workers=2)
        sets.append((label, seconds, run_salesflow(files, limits, bks, on_row), None))
    if not args.no_business and not only:
        business = run_business(args.day_time, args.seed, log)
    if not args.no_pyvrp:
        publish(sets, final=False)
        subset = {n.strip().lower() for n in args.pyvrp_only.split(",") if n.strip()}
        for k, (label, files, seconds) in enumerate(chosen):
            if label == "Solomon" and "all" not in subset:
                files = [p for p in files if p.stem.lower() in subset]
            label, seconds, ours, _ = sets[k]
            sets[k] = (label, seconds, ours, run_pyvrp(files, seconds, bks, log))
    print(publish(sets, final=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
