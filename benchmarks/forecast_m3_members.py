"""Which medians of candidate models could reach a target on an M3 group: an offline search.

Fits every named candidate once per series of an M3 group (at the backtest cut-off, the last
h points of the training part held out, and on the whole training part), caches the point
forecasts, then scores the median of every subset of the candidates (up to ``--max-size``) in
seconds: its backtest sMAPE (what the engine's pooled choice sees) and its sMAPE on the M3
test part (what the benchmark reports). The best subsets by backtest show what the pooled
choice would pick; the best by test are an upper bound for any choice among these candidates
(no choice made without the test can do better). This is the measurement behind the notes on
M3 monthly in BENCHMARKS.md; it writes nothing there.

    python benchmarks/forecast_m3_members.py --data-dir DIR/m3 --group monthly \\
        --candidates theta,dotm,damped,seasonal_naive,ets_seasonal,ets,otm --cache /tmp/m.pkl

Options: ``--data-dir DIR`` (default ``$SALESFLOW_BENCHMARK_DATA/m3``), ``--group``,
``--candidates`` (local models of :mod:`salesflow.forecasting.candidates`), ``--max-size``,
``--top N``, ``--workers N``, ``--cache FILE`` (reused when it holds the same group and
candidates).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from salesflow.benchmarks.locate import data_folder, missing_data_message
from salesflow.forecasting.metrics import smape_rows


def _fit_one(item: tuple[np.ndarray, tuple[str, ...], int, int]) -> tuple[np.ndarray, ...]:
    """Backtest and final point forecasts (candidates x h each) of one series."""
    from salesflow.forecasting.candidates import make_model

    y, names, horizon, season = item
    rows = []
    for train in (y[:-horizon], y):
        rows.append(np.vstack([make_model(n, season).fit(train).predict(horizon).mean
                               for n in names]))
    return tuple(rows)


def _fit_chunk(items: list[tuple[np.ndarray, tuple[str, ...], int, int]],
               shared: object = None) -> list[tuple[np.ndarray, ...]]:
    return [_fit_one(item) for item in items]


def fit_group(data_dir: Path, group: str, names: tuple[str, ...], workers: int) \
        -> dict[str, Any]:
    """Every candidate's backtest and final forecasts on ``group`` (clipped at zero: M3 is
    positive), the backtest actuals and the test values."""
    from salesflow.data.instances.m3 import read_m3
    from salesflow.forecasting.parallel import map_chunks

    data = read_m3(data_dir, group)
    h, m = data.horizon, data.season_length
    train = {u: g.to_numpy(dtype=np.float64) for u, g in data.train.groupby("unique_id")["y"]}
    test = {u: g.to_numpy(dtype=np.float64) for u, g in data.test.groupby("unique_id")["y"]}
    ids = sorted(train)
    started = time.perf_counter()
    fitted = map_chunks(_fit_chunk, [(train[u], names, h, m) for u in ids], None,
                        n_jobs=workers)
    seconds = time.perf_counter() - started
    return {"group": group, "names": names, "seconds": seconds,
            "backtest": np.maximum(np.stack([f[0] for f in fitted]), 0.0),
            "final": np.maximum(np.stack([f[1] for f in fitted]), 0.0),
            "backtest_actual": np.vstack([train[u][-h:] for u in ids]),
            "test": np.vstack([test[u] for u in ids])}


def search(cache: dict[str, Any], max_size: int) -> list[tuple[float, float, tuple[str, ...]]]:
    """``(backtest sMAPE, test sMAPE, members)`` of the median of every subset."""
    names = cache["names"]
    out = []
    for k in range(1, min(max_size, len(names)) + 1):
        for subset in combinations(range(len(names)), k):
            cols = list(subset)
            backtest = float(smape_rows(cache["backtest_actual"],
                                        np.median(cache["backtest"][:, cols], axis=1)).mean())
            test = float(smape_rows(cache["test"],
                                    np.median(cache["final"][:, cols], axis=1)).mean())
            out.append((backtest, test, tuple(names[i] for i in cols)))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--group", default="monthly")
    parser.add_argument("--candidates",
                        default="theta,dotm,damped,seasonal_naive,ets_seasonal,ets,otm")
    parser.add_argument("--max-size", type=int, default=6)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    names = tuple(n for n in args.candidates.split(",") if n)
    cache = None
    if args.cache is not None and args.cache.exists():
        with args.cache.open("rb") as handle:
            cache = pickle.load(handle)
        if cache.get("group") != args.group or tuple(cache.get("names", ())) != names:
            cache = None
    if cache is None:
        folder = data_folder(args.data_dir, "m3")
        if folder is None:
            sys.exit(missing_data_message("--data-dir", "m3", "the M3 files"))
        cache = fit_group(folder, args.group, names, args.workers)
        if args.cache is not None:
            with args.cache.open("wb") as handle:
                pickle.dump(cache, handle)
    print(f"M3 {args.group}: {cache['test'].shape[0]} series; fits took "
          f"{cache['seconds']:.1f} s with {args.workers} workers")
    for j, name in enumerate(names):
        print(f"  {name}: backtest sMAPE "
              f"{smape_rows(cache['backtest_actual'], cache['backtest'][:, j]).mean():.3f}, "
              f"test {smape_rows(cache['test'], cache['final'][:, j]).mean():.3f}")
    results = search(cache, args.max_size)
    for title, key in (("best by backtest (what the pooled choice sees)", 0),
                       ("best by test (no choice without the test does better)", 1)):
        print(title)
        for backtest, test, members in sorted(results, key=lambda r: r[key])[:args.top]:
            print(f"  backtest {backtest:.3f}  test {test:.3f}  median({','.join(members)})")


if __name__ == "__main__":
    main()
