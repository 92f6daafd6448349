"""Forecast benchmark on real demand data: salesflow's engine and statsforecast, same scorer.

Runs, on every set of the real development suite (``benchmarks/forecast_real_data.py``: car
parts monthly, online retail weekly per item and per item and country), salesflow's engine as
the weekly plan runs it (global gradient-boosting model on, forecasts clipped at zero) and
statsforecast's Naive, Theta, CrostonOptimized, TSB, IMAPA, ADIDA and AutoETS on the same
series with the same number of worker processes. statsforecast's own 80 % intervals give p10
and p90 where the model has them (Naive, Theta, AutoETS), conformal intervals
(``ConformalIntervals``, two windows of the horizon) where it has none; its point forecast is
its p50. Every forecast and quantile is clipped at zero (demand is never negative). Scores
(``salesflow.forecasting.evaluation.score_quantiles``): MASE and RMSSE on the one-step naive
scale, scaled pinball loss of p10/p50/p90, p10-p90 coverage; wall time of each method. Writes
the ``forecast-real`` section of BENCHMARKS.md.

    flock /tmp/salesflow-bench.lock python benchmarks/forecast_real.py --data-dir DIR

Options: ``--data-dir DIR`` (see ``benchmarks/DATA.md``; default
``$SALESFLOW_BENCHMARK_DATA/real``), ``--sets carparts,retail_item,...``, ``--workers N``,
``--limit N`` (first N series of each set), ``--peers NAMES``, ``--dataset-size SIZE``
(also time the weekly forecast stage on a generated dataset; ``''`` for none),
``--no-write``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from salesflow.benchmarks.forecast_real_data import SETS, RealSet, load_sets
from salesflow.benchmarks.locate import data_folder, missing_data_message, reproducible
from salesflow.benchmarks.report import machine_line, write_section

PEERS = ("Naive", "Theta", "CrostonOptimized", "TSB", "IMAPA", "ADIDA", "AutoETS")
#: Peers without intervals of their own: conformal intervals.
CONFORMAL = frozenset({"CrostonOptimized", "TSB", "IMAPA", "ADIDA"})
COMMAND = "flock /tmp/salesflow-bench.lock python benchmarks/forecast_real.py"
#: Backtest windows of salesflow's engine on the real sets (cut-offs half a horizon apart).
N_WINDOWS = 3


def _clip(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["forecast", "p10", "p50", "p90"]
    frame[columns] = np.maximum(frame[columns].to_numpy(dtype=np.float64), 0.0)
    return frame


def run_salesflow(data: RealSet, workers: int) -> tuple[pd.DataFrame, float, pd.DataFrame]:
    """salesflow's engine on ``data.train``: forecast frame, wall seconds, series summary."""
    from salesflow.forecasting.engine import Forecaster

    engine = Forecaster(horizon=data.horizon, season_length=data.season_length,
                        quantiles=(0.1, 0.5, 0.9), n_windows=N_WINDOWS,
                        step=max(data.horizon // 2, 1), global_model=True, nonnegative=True,
                        freq=data.freq, n_jobs=workers)
    started = time.perf_counter()
    frame = engine.forecast(data.train)
    seconds = time.perf_counter() - started
    return _clip(frame), seconds, engine.series_


def _peer_model(name: str, data: RealSet) -> Any:
    import statsforecast.models as sf_models
    from statsforecast.utils import ConformalIntervals

    intervals = ConformalIntervals(h=data.horizon, n_windows=2) if name in CONFORMAL else None
    if name == "TSB":
        return sf_models.TSB(alpha_d=0.1, alpha_p=0.1, prediction_intervals=intervals)
    if name in ("Theta", "AutoETS"):
        return getattr(sf_models, name)(season_length=data.season_length)
    if name == "Naive":
        return sf_models.Naive()
    return getattr(sf_models, name)(prediction_intervals=intervals)


def run_peer(name: str, data: RealSet, workers: int) -> tuple[pd.DataFrame, float]:
    """statsforecast's ``name`` on ``data.train``: forecast frame and wall seconds (numba
    compilation excluded by a warm-up on two series)."""
    from statsforecast import StatsForecast

    train = data.train
    warm = train[train["unique_id"].isin(train["unique_id"].unique()[:2])]
    StatsForecast(models=[_peer_model(name, data)], freq=data.freq, n_jobs=1).forecast(
        df=warm, h=data.horizon, level=[80])
    model = _peer_model(name, data)
    started = time.perf_counter()
    frame = StatsForecast(models=[model], freq=data.freq, n_jobs=workers).forecast(
        df=train, h=data.horizon, level=[80])
    seconds = time.perf_counter() - started
    if "unique_id" not in frame.columns:
        frame = frame.reset_index()
    alias = str(model)
    frame = frame.rename(columns={alias: "forecast", f"{alias}-lo-80": "p10",
                                  f"{alias}-hi-80": "p90"})
    frame["p50"] = frame["forecast"]
    return _clip(frame[["unique_id", "ds", "forecast", "p10", "p50", "p90"]]), seconds


def _row(method: str, frame: pd.DataFrame, data: RealSet, seconds: float) -> dict[str, Any]:
    from salesflow.forecasting.evaluation import score_quantiles

    scores, _ = score_quantiles(frame, data.test, data.train)
    return {"method": method, "mase": scores.mase, "rmsse": scores.rmsse,
            "pinball": scores.pinball, **scores.pinball_by_level,
            "coverage": scores.coverage, "seconds": seconds, "scored": scores.n_series}


def demand_shift(data: RealSet) -> dict[str, float]:
    """How the held-out periods differ from the end of the training data, over all series:
    total demand in the test periods over that of the last ``2 h`` training periods (per
    period), and the share of periods with demand in each. A backtest ends with the training
    data, so a choice made on it cannot see a shift that starts in the test periods."""
    h = data.horizon
    tail = data.train.groupby("unique_id", sort=False)["y"].apply(
        lambda y: y.to_numpy()[-2 * h:])
    recent = np.concatenate(tail.to_list())
    held = data.test["y"].to_numpy(dtype=np.float64)
    per_period = float(held.sum() / held.size) / float(recent.sum() / recent.size) \
        if recent.sum() > 0 else math.nan
    return {"ratio": per_period, "recent_share": float(np.mean(recent > 0)),
            "test_share": float(np.mean(held > 0))}


def run_set(data: RealSet, workers: int, peers: list[str]) -> dict[str, Any]:
    """Every method on one set."""
    print(f"[{data.name}] salesflow ...", file=sys.stderr, flush=True)
    frame, seconds, series = run_salesflow(data, workers)
    rows = [_row("salesflow", frame, data, seconds)]
    print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    for name in peers:
        print(f"[{data.name}] statsforecast {name} ...", file=sys.stderr, flush=True)
        peer_frame, peer_seconds = run_peer(name, data, workers)
        rows.append(_row(name, peer_frame, data, peer_seconds))
        print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    classes = series["demand_class"].value_counts()
    models = series["model"].value_counts()
    return {"set": data.name, "series": data.n_series, "horizon": data.horizon,
            "season_length": data.season_length, "freq": data.freq,
            "zeros": data.zero_share, "rows": rows, "shift": demand_shift(data),
            "classes": {str(k): int(v) for k, v in classes.items()},
            "models": {str(k): int(v) for k, v in models.head(6).items()}}


def _fmt(value: float, digits: int = 3, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value * 100:.1f} %" if pct else f"{value:.{digits}f}"


def dataset_lines(dataset: dict[str, Any]) -> list[str]:
    """The weekly forecast stage's timing on a generated dataset (``forecast_m3.run_dataset``)."""
    size = dataset["size"]
    return [f"### Weekly forecast stage on a generated {size} dataset", "",
            f"`generate_dataset('{size}', 7)` ({dataset['skus']} SKUs), plan week of "
            f"{dataset['week_start']}, {dataset['workers']} workers: the forecast stage took "
            f"**{dataset['seconds']:.1f} s** (limit 300 s). Classes: "
            + ", ".join(f"{k} {v}" for k, v in dataset["classes"].items())
            + f"; the {dataset['intermittent']} intermittent or lumpy SKUs forecast by "
            + ", ".join(f"{k} ({v})" for k, v in dataset["intermittent_models"].items())
            + f"; median backtest MASE {dataset['median_mase']:.3f}.", ""]


def markdown(results: list[dict[str, Any]], workers: int, command: str,
             dataset: dict[str, Any] | None = None) -> str:
    lines = ["## Forecasting: real demand data (salesflow vs statsforecast)", "",
             f"Command: `{command}`  ", machine_line(), "",
             "Sets and sources: `benchmarks/DATA.md`. Last h periods of every series held out. "
             "MASE and RMSSE on the in-sample one-step naive scale; pinball: the pinball loss "
             "of p10, p50 and p90 divided by the same scale, averaged over the three levels "
             "(mean over series); coverage: share of test points inside p10–p90. "
             "statsforecast's p10/p90 are its 80 % intervals (native for Naive, Theta and "
             "AutoETS, conformal over two windows for the intermittent models), its p50 the "
             "point forecast; every method's forecasts are clipped at zero. salesflow runs as "
             f"the weekly plan does (global model on, {N_WINDOWS} backtest windows half a "
             f"horizon apart). {workers} worker processes for every method.", ""]
    checks = []
    for result in results:
        lines += [f"### {result['set']} ({result['series']} series, {result['freq']}, "
                  f"h = {result['horizon']}, season {result['season_length']}, "
                  f"{result['zeros'] * 100:.0f} % zeros in training)", "",
                  "| method | MASE | RMSSE | pinball | p10 | p50 | p90 | p10–p90 coverage "
                  "| wall s |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in result["rows"]:
            lines.append(f"| {r['method']} | {_fmt(r['mase'])} | {_fmt(r['rmsse'])} | "
                         f"{_fmt(r['pinball'])} | {_fmt(r['p10'])} | {_fmt(r['p50'])} | "
                         f"{_fmt(r['p90'])} | {_fmt(r['coverage'], pct=True)} | "
                         f"{r['seconds']:.1f} |")
        classes = ", ".join(f"{k} {v}" for k, v in result["classes"].items())
        models = ", ".join(f"{k} ({v})" for k, v in result["models"].items())
        shift = result["shift"]
        lines += ["", f"Demand classes: {classes}. salesflow's most frequent choices: "
                  f"{models}. Demand per period in the {result['horizon']} test periods is "
                  f"{_fmt(shift['ratio'], 2)} times that of the last {2 * result['horizon']} "
                  f"training periods (periods with demand: "
                  f"{_fmt(shift['recent_share'], pct=True)} then "
                  f"{_fmt(shift['test_share'], pct=True)}); the backtests end before the test "
                  "periods.", ""]
        rows = {r["method"]: r for r in result["rows"]}
        ours = rows["salesflow"]
        peers = [r for m, r in rows.items() if m != "salesflow"]
        if peers:
            best_mase = min(peers, key=lambda r: r["mase"])
            best_pin = min(peers, key=lambda r: r["pinball"])
            ok_mase = all(ours["mase"] < r["mase"] for r in peers)
            ok_pin = all(ours["pinball"] < r["pinball"] for r in peers)
            checks.append(f"- {result['set']}: MASE {ours['mase']:.3f} vs best peer "
                          f"{best_mase['method']} {best_mase['mase']:.3f}: "
                          f"{'met' if ok_mase else 'NOT met'}; pinball "
                          f"{ours['pinball']:.3f} vs best peer {best_pin['method']} "
                          f"{best_pin['pinball']:.3f}: {'met' if ok_pin else 'NOT met'}")
    if dataset is not None:
        lines += dataset_lines(dataset)
    lines += ["### Done-when checks (salesflow below every statsforecast method)", "",
              *checks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder with carparts.rda and retail-by-day/ "
                             "(default: $SALESFLOW_BENCHMARK_DATA/real)")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--dataset-size", default="medium",
                        help="generated dataset for the forecast stage timing ('' for none)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    data_dir = data_folder(args.data_dir, "real")
    if data_dir is None:
        parser.error(missing_data_message("--data-dir", "real",
                                          "carparts.rda and retail-by-day/"))
    peers = [p for p in args.peers.split(",") if p]
    extra = sys.argv[1:] if argv is None else argv
    command = reproducible(" ".join([COMMAND, *extra]).strip(), args.data_dir is None)
    results: list[dict[str, Any]] = []
    for data in load_sets(data_dir, [s for s in args.sets.split(",") if s]):
        if args.limit is not None:
            data = data.head(args.limit)
        results.append(run_set(data, args.workers, peers))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
        if not args.no_write:
            write_section("forecast-real", markdown(results, args.workers, command))
    dataset = None
    if args.dataset_size:
        from salesflow.benchmarks.forecast_m3 import run_dataset

        dataset = run_dataset(args.workers, args.dataset_size)
    text = markdown(results, args.workers, command, dataset)
    print(text)
    if not args.no_write:
        write_section("forecast-real", text)


if __name__ == "__main__":
    main()
