"""The purchase benchmark: (a) Wagner–Whitin, (b) Trigeiro, (c) generated datasets, and apart
from those (e) the solve at scale.

Run as ``python benchmarks/purchase_bench.py [--part all|ww|trigeiro|datasets]
[--lotsizing-dir DIR] [--write]`` or ``salesflow bench purchase ...``; with ``--write`` the
tables go into the ``purchase`` section of BENCHMARKS.md with the command and the machine.
``--part scale [--sizes medium,large] [--work-dir DIR]`` solves the forecast-based problem of
each generated size twice with the default limits (gap, wall and CPU seconds, load, the same
plan twice?) and writes the ``purchase-scale`` section; the datasets, forecasts and problems
are kept in ``--work-dir`` for the next run (generating and forecasting ``large`` takes
minutes).
Parts ``all`` and ``trigeiro`` need the Trigeiro folder (``known_values.csv``,
``trigeiro1989/``): ``--lotsizing-dir`` or ``$SALESFLOW_BENCHMARK_DATA/lotsizing``. Heavy: run
it under ``flock /tmp/salesflow-bench.lock``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from salesflow.benchmarks.locate import data_folder, missing_data_message, reproducible

PARTS = ("ww", "trigeiro", "datasets")
SCALE_SIZES = ("medium", "large")


def run_scale(sizes: tuple[str, ...], work_dir: Path, time_limit: float | None, command: str,
              say: Callable[[str], None] = print) -> str:
    """Part (e): the markdown of the ``purchase-scale`` section."""
    import os

    from salesflow.benchmarks import purchase_scale
    from salesflow.benchmarks.report import machine_line

    work_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in sizes:
        say(f"(e) {size}: dataset, forecast and problem in {work_dir}, then two solves")
        rows.append(purchase_scale.run_size(size, work_dir, time_limit, say))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return "\n".join([
        f"Command: `{command}`", "", machine_line(), "",
        "### (e) The 12-week purchase solve at scale, on the forecast, twice", "",
        "Each size is `salesflow init DIR --size SIZE --seed 7`, forecast over its default "
        "horizon as `weekly` does; the problem is the one `salesflow purchase` builds from it "
        "(safety stock from the quantiles, warehouse limit), solved twice with the dataset's "
        "default limits (60 s, 2 workers). Target (issues 14 and 19): gap <= 2 % on medium "
        "and large within the default limits, the same plan twice. The bound is, per supplier, "
        "the better of the closed-form bound and the sum of its SKUs' dynamic-program bounds "
        "(`optimizer/purchasing/sku_dp.py`: each SKU with its share of the order cost, no "
        "supplier minimums, a relaxation; no solver, no clock); the plan is the cheapest of "
        "the baselines and the order-pattern heuristic per supplier, its SKUs re-planned by "
        "the same program in the heuristic's order weeks when that is cheaper, improved by a "
        "supplier MIP only where that MIP ends by its gap (such a MIP also raises its "
        "supplier's bound; which MIPs end within their share of the clock can differ "
        "between runs, so the bound may differ where the plan does not). CPU seconds count "
        "this process and its worker processes; the machine is shared, so wall seconds "
        "depend on the load (load average over 1 minute at each solve's start).", "",
        purchase_scale.markdown(rows),
        f"Load average (1, 5, 15 min) at the end: {load}.", ""])


def run(parts: tuple[str, ...], lotsizing_dir: Path | None, time_limit: float, ww_count: int,
        medium_dir: Path | None, solvers: tuple[str, ...], command: str,
        say: Callable[[str], None] = print) -> str:
    """Run the chosen parts and return the markdown of the section.

    Raises
    ------
    ValueError
        If the ``trigeiro`` part is asked for without ``lotsizing_dir``.
    """
    from salesflow.benchmarks import purchase_datasets, purchase_trigeiro, purchase_ww
    from salesflow.benchmarks.report import machine_line

    body = [f"Command: `{command}`", "", machine_line(), ""]
    if "ww" in parts:
        say(f"(a) Wagner-Whitin: {ww_count} random single-SKU instances")
        ww_rows = purchase_ww.run_wagner_whitin(ww_count)
        body += ["### (a) Single SKU, uncapacitated: plan vs Wagner-Whitin (exact DP)", "",
                 purchase_ww.markdown(ww_rows)]
    if "trigeiro" in parts:
        if lotsizing_dir is None:
            raise ValueError("the trigeiro part needs lotsizing_dir")
        body += ["### (b) Trigeiro CLST instances with proven optima "
                 f"(`{lotsizing_dir}/known_values.csv`), {time_limit:g} s each", "",
                 "Read as purchasing: one SKU per supplier (order cost = setup cost), shared "
                 "weekly receiving capacity used per unit and per order line (setup time). "
                 "Cost = ordering + holding, checked by the instance's own model.", ""]
        for solver in solvers:
            say(f"(b) Trigeiro with {solver}")
            trigeiro_rows = purchase_trigeiro.run_trigeiro(lotsizing_dir, time_limit, solver)
            body += [purchase_trigeiro.markdown(trigeiro_rows)]
    if "datasets" in parts:
        with tempfile.TemporaryDirectory(prefix="salesflow-bench-") as tmp:
            work = Path(tmp)
            from salesflow.data.dataset import sample_data_dir

            medium = medium_dir or purchase_datasets.generate(work / "medium", "medium", 7)
            dataset_rows = []
            forecast_rows = []
            for name, folder in (("sample (small, seed 0)", sample_data_dir()),
                                 ("medium (seed 7)", medium)):
                say(f"(c) {name}")
                dataset_rows.append(purchase_datasets.run_dataset(name.split()[0], folder,
                                                                  work, 12, time_limit))
                say(f"(d) {name} on its forecast")
                forecast_rows.append(purchase_datasets.run_dataset(
                    name.split()[0], folder, work, 12, time_limit, forecast=True))
        body += ["### (c) Generated datasets, 12 weeks of demand from their own history "
                 "(`--demand`), plan vs the ERP baselines", "",
                 "Demand: each SKU's sales of the same weeks a year earlier. Costs by the one "
                 "accounting (`optimizer/accounting.py`: purchase + ordering + holding + "
                 "shortage, net of the change in stock value, end stock first in first out), "
                 "as `purchase` prints them. Target: plan <= 0.95 x the best baseline with no "
                 "more shortage. Objective and bound are the model's: cost and penalties less "
                 "the stock left's credit (at the price paid, up to one more horizon's "
                 "demand).", "",
                 purchase_datasets.markdown(dataset_rows),
                 "### (d) The same datasets planned on their forecast over the default "
                 "12-week horizon (`salesflow purchase`, as `weekly` plans: safety stock from "
                 "the quantiles, warehouse limit)", "",
                 "Target: MIP gap <= 2 % within the 60 s default on medium. The bound is the "
                 "sum over suppliers of the best of the supplier MIP's bound (where it ends), "
                 "the closed-form bound and the per-SKU dynamic-program bounds "
                 "(`optimizer/purchasing/sku_dp.py`); dropping the warehouse row keeps it a "
                 "valid bound of the coupled problem, while the plan is scored with the "
                 "warehouse limit priced.", "",
                 purchase_datasets.markdown(forecast_rows)]
    return "\n".join(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", *PARTS, "scale"), default="all")
    parser.add_argument("--lotsizing-dir", type=Path, default=None,
                        help="folder with known_values.csv and trigeiro1989/ (parts all and "
                             "trigeiro; default: $SALESFLOW_BENCHMARK_DATA/lotsizing)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--ww-count", type=int, default=200)
    parser.add_argument("--medium-dir", type=Path, default=None)
    parser.add_argument("--solvers", default="highs")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--sizes", default=",".join(SCALE_SIZES),
                        help="part scale: generated sizes to solve (default medium,large)")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="part scale: folder keeping the datasets, forecasts and problems "
                             "between runs (default: a temporary folder)")
    parser.add_argument("--scale-time-limit", type=float, default=None,
                        help="part scale: solve time limit (default: the dataset's, 60 s)")
    args = parser.parse_args(argv)
    if args.part == "scale":
        command = ("python benchmarks/purchase_bench.py " + " ".join(
            argv if argv is not None else sys.argv[1:])).strip()
        with tempfile.TemporaryDirectory(prefix="salesflow-pscale-") as tmp:
            text = run_scale(tuple(args.sizes.split(",")), args.work_dir or Path(tmp),
                             args.scale_time_limit, command)
        print(text)
        if args.write:
            from salesflow.benchmarks.report import write_section

            write_section("purchase-scale", text)
        return 0
    parts = PARTS if args.part == "all" else (args.part,)
    lotsizing_dir = data_folder(args.lotsizing_dir, "lotsizing")
    if lotsizing_dir is None and "trigeiro" in parts:
        parser.error(missing_data_message("--lotsizing-dir", "lotsizing",
                                          "known_values.csv and trigeiro1989/"))
    command = reproducible(
        ("python benchmarks/purchase_bench.py " + " ".join(argv or sys.argv[1:])).strip(),
        args.lotsizing_dir is None and lotsizing_dir is not None and "trigeiro" in parts)
    text = run(parts, lotsizing_dir, args.time_limit, args.ww_count, args.medium_dir,
               tuple(args.solvers.split(",")), command.strip())
    print(text)
    if args.write:
        from salesflow.benchmarks.report import write_section

        write_section("purchase", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
