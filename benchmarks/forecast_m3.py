"""Forecast benchmark: salesflow's engine and statsforecast on the M3 competition data.

For each M3 group, on the official split (the last h points of each series held out), runs in
one invocation salesflow's engine (``forecast_harness``, as ``salesflow bench forecast`` does)
and statsforecast's AutoETS, AutoARIMA, Theta, DynamicOptimizedTheta and SeasonalNaive with the
same number of worker processes, scores every method the M3 way (sMAPE, MASE, p10-p90
coverage: statsforecast's 80 % interval), times each one (wall clock, numba compilation
excluded by a warm-up), then times the weekly pipeline's forecast stage on a generated
``medium`` dataset (2,000 SKUs), and writes the ``forecast`` section of BENCHMARKS.md.
statsforecast is a benchmark-only dependency (``pip install -e '.[bench]'``), imported only
here.

    flock /tmp/salesflow-bench.lock python benchmarks/forecast_m3.py --data-dir DIR/m3

Options: ``--data-dir DIR`` (the M3 folder; default ``$SALESFLOW_BENCHMARK_DATA/m3``, one of
the two is required unless ``--groups`` is empty), ``--groups monthly,yearly,...``,
``--workers N``, ``--limit N`` (first N series of each group, for a quick look),
``--peers NAMES``, ``--no-dataset``, ``--dataset-size SIZE``, ``--no-write``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from salesflow.benchmarks.forecast_harness import run_m3
from salesflow.benchmarks.locate import data_folder, missing_data_message, reproducible
from salesflow.benchmarks.report import machine_line, write_section

#: Cheap groups first and statsforecast's AutoARIMA (by far the slowest peer) last within each
#: group; the section is rewritten after every group, so a stopped run leaves what it measured.
GROUPS = ("other", "yearly", "quarterly", "monthly")
PEERS = ("AutoETS", "Theta", "DynamicOptimizedTheta", "SeasonalNaive", "AutoARIMA")
COMMAND = "flock /tmp/salesflow-bench.lock python benchmarks/forecast_m3.py"


def run_peer(name: str, train: Any, horizon: int, season_length: int, workers: int) \
        -> tuple[Any, float]:
    """statsforecast's ``name`` on ``train``: forecast frame (columns ``forecast``, ``p10``,
    ``p90``) and wall seconds."""
    import statsforecast.models as sf_models
    from statsforecast import StatsForecast

    model = getattr(sf_models, name)(season_length=season_length)
    # numba compiles on first use; compile on two series outside the timing
    warm = train[train["unique_id"].isin(train["unique_id"].unique()[:2])]
    StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=warm, h=horizon, level=[80])
    started = time.perf_counter()
    frame = StatsForecast(models=[model], freq=1, n_jobs=workers).forecast(
        df=train, h=horizon, level=[80])
    seconds = time.perf_counter() - started
    if "unique_id" not in frame.columns:
        frame = frame.reset_index()
    alias = str(model)
    frame = frame.rename(columns={alias: "forecast", f"{alias}-lo-80": "p10",
                                  f"{alias}-hi-80": "p90"})
    return frame[["unique_id", "ds", "forecast", "p10", "p90"]], seconds


def run_group(data_dir: Path, group: str, workers: int, limit: int | None,
              peers: list[str]) -> dict[str, Any]:
    from salesflow.forecasting.evaluation import score_forecasts

    rows = []
    print(f"[{group}] salesflow ...", file=sys.stderr, flush=True)
    data, run = run_m3(data_dir, group, workers, limit)
    rows.append({"method": "salesflow", "smape": run.scores.smape, "mase": run.scores.mase,
                 "coverage": run.scores.coverage, "seconds": run.seconds})
    print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    for name in peers:
        print(f"[{group}] statsforecast {name} ...", file=sys.stderr, flush=True)
        frame, seconds = run_peer(name, data.train, data.horizon, data.season_length, workers)
        scores, _ = score_forecasts(frame, data.test, data.train, data.season_length)
        rows.append({"method": name, "smape": scores.smape, "mase": scores.mase,
                     "coverage": scores.coverage, "seconds": seconds})
        print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    models = run.series["model"].value_counts()
    return {"group": group, "series": data.n_series, "horizon": data.horizon,
            "season_length": data.season_length, "rows": rows,
            "models": {str(k): int(v) for k, v in models.head(4).items()}}


def run_dataset(workers: int, size: str = "medium") -> dict[str, Any]:
    """The weekly forecast stage on a generated dataset (``medium``: 2,000 SKUs; seed 7)."""

    from salesflow.data.dataset import load_dataset
    from salesflow.data.generator import generate_dataset, write_dataset
    from salesflow.forecasting.stage import forecast_stage

    with tempfile.TemporaryDirectory(prefix="salesflow-medium-") as tmp:
        folder = Path(tmp) / size
        write_dataset(generate_dataset(size, 7), folder, "csv")
        dataset = load_dataset(folder)
        week_start = dataset.plan_week_start(None)
        history = dataset.history_before(week_start)
        print(f"[{size}] forecast stage for {len(dataset.skus)} SKUs ...", file=sys.stderr,
              flush=True)
        started = time.perf_counter()
        result = forecast_stage(dataset, history, week_start)
        seconds = time.perf_counter() - started
    series = result.series
    intermittent = series[series["demand_class"].isin(["intermittent", "lumpy"])]
    chosen = intermittent["model"].value_counts()
    return {"size": size, "skus": len(series), "seconds": seconds, "week_start": str(week_start),
            "classes": {str(k): int(v) for k, v in series["demand_class"].value_counts().items()},
            "intermittent_models": {str(k): int(v) for k, v in chosen.head(3).items()},
            "intermittent": len(intermittent), "workers": dataset.config.solver.workers,
            "median_mase": float(series["backtest_mase"].median())}


def _fmt(value: float, digits: int = 2, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value * 100:.1f} %" if pct else f"{value:.{digits}f}"


def markdown(results: list[dict[str, Any]], dataset: dict[str, Any] | None, workers: int,
             command: str) -> str:
    lines = ["## Forecasting: M3 competition (salesflow vs statsforecast)", "",
             f"Command: `{command}`  ", machine_line(), "",
             "Official M3 split (last h points of each series held out). sMAPE is the M3 "
             "definition (mean of 200·|y−f|/(|y|+|f|) per series, then over series), MASE "
             "uses the in-sample seasonal-naive scale, coverage is the share of test points "
             "inside p10–p90 (statsforecast: its 80 % interval). Wall times include model "
             f"selection, fitting and forecasting with {workers} worker processes for every "
             "method (statsforecast `n_jobs` the same; its numba compilation is excluded).", ""]
    checks = []
    for result in results:
        rows = {r["method"]: r for r in result["rows"]}
        ets = rows.get("AutoETS")
        lines += [f"### {result['group']} ({result['series']} series, h = {result['horizon']}, "
                  f"season {result['season_length']})", "",
                  "| method | sMAPE | MASE | p10–p90 coverage | wall s | time / AutoETS |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in result["rows"]:
            ratio = r["seconds"] / ets["seconds"] if ets else float("nan")
            lines.append(f"| {r['method']} | {_fmt(r['smape'])} | {_fmt(r['mase'], 3)} | "
                         f"{_fmt(r['coverage'], pct=True)} | {r['seconds']:.1f} | "
                         f"{_fmt(ratio)} |")
        models = ", ".join(f"{k} ({v})" for k, v in result["models"].items())
        lines += ["", f"salesflow's choices: {models}.", ""]
        ours = rows["salesflow"]
        peers = [r for m, r in rows.items() if m != "salesflow"]
        if result["group"] == "monthly":
            best_peer = min(peers, key=lambda r: r["smape"]) if peers else None
            checks.append(f"- monthly sMAPE {ours['smape']:.2f} <= 13.6: "
                          f"{'met' if ours['smape'] <= 13.6 else 'NOT met'}")
            if best_peer:
                ok = all(ours["smape"] < r["smape"] for r in peers)
                checks.append(f"- monthly sMAPE below every statsforecast model (best: "
                              f"{best_peer['method']} {best_peer['smape']:.2f}): "
                              f"{'met' if ok else 'NOT met'}")
            if ets:
                ratio = ours["seconds"] / ets["seconds"]
                checks.append(f"- monthly wall time {ours['seconds']:.1f} s = {ratio:.2f} x "
                              f"AutoETS ({ets['seconds']:.1f} s), limit 2x: "
                              f"{'met' if ratio <= 2 else 'NOT met'}")
            cov = ours["coverage"]
            checks.append(f"- monthly p10–p90 coverage {cov * 100:.1f} % in [72, 88] %: "
                          f"{'met' if 0.72 <= cov <= 0.88 else 'NOT met'}")
        elif ets:
            verdict = "met" if ours["smape"] <= ets["smape"] else "NOT met"
            checks.append(f"- {result['group']} sMAPE {ours['smape']:.2f} vs AutoETS "
                          f"{ets['smape']:.2f}: {verdict}")
    if dataset is not None:
        size = dataset["size"]
        lines += [f"### Weekly forecast stage on a generated {size} dataset", "",
                  f"`generate_dataset('{size}', 7)` ({dataset['skus']} SKUs, the same data as "
                  f"`salesflow init DIR --size {size} --seed 7`), plan week of "
                  f"{dataset['week_start']}, {dataset['workers']} workers: the forecast stage "
                  f"took **{dataset['seconds']:.1f} s**. Classes: "
                  + ", ".join(f"{k} {v}" for k, v in dataset["classes"].items())
                  + f"; the {dataset['intermittent']} intermittent or lumpy SKUs forecast by "
                  + ", ".join(f"{k} ({v})" for k, v in dataset["intermittent_models"].items())
                  + f"; median backtest MASE {dataset['median_mase']:.3f}.", ""]
        checks.append(f"- {size} dataset forecast stage {dataset['seconds']:.1f} s < 300 s: "
                      f"{'met' if dataset['seconds'] < 300 else 'NOT met'}")
    lines += ["### Done-when checks", "", *checks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="the M3 folder (default: $SALESFLOW_BENCHMARK_DATA/m3)")
    parser.add_argument("--groups", default=",".join(GROUPS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--no-dataset", action="store_true")
    parser.add_argument("--dataset-size", default="medium",
                        help="generated dataset for the forecast stage timing")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    groups = [g for g in args.groups.split(",") if g]
    peers = [p for p in args.peers.split(",") if p]
    data_dir = data_folder(args.data_dir, "m3")
    if data_dir is None and groups:
        parser.error(missing_data_message("--data-dir", "m3", "the M3 competition files"))
    extra = sys.argv[1:] if argv is None else argv
    command = reproducible(" ".join([COMMAND, *extra]).strip(),
                           args.data_dir is None and data_dir is not None)
    results: list[dict[str, Any]] = []
    dataset = None
    # the dataset timing before the long monthly group
    steps = [*(g for g in groups if g != "monthly"), *([] if args.no_dataset else ["dataset"]),
             *(["monthly"] if "monthly" in groups else [])]
    for done, step in enumerate(steps, start=1):
        if step == "dataset":
            dataset = run_dataset(args.workers, args.dataset_size)
        else:
            assert data_dir is not None  # checked above: groups need it
            results.append(run_group(data_dir, step, args.workers, args.limit, peers))
        print(json.dumps(dataset if step == "dataset" else results[-1]), file=sys.stderr,
              flush=True)
        if done < len(steps) and not args.no_write:
            write_section("forecast", markdown(results, dataset, args.workers, command)
                          + f"\n\n**Partial: the run was still going ({', '.join(steps[done:])} "
                          "not measured yet).**")
    text = markdown(results, dataset, args.workers, command)
    print(text)
    if not args.no_write:
        write_section("forecast", text)


if __name__ == "__main__":
    main()
