"""Which medians of candidate models could reach a target on an M3 group: an offline search.

Fits every named candidate once per series of an M3 group (at the backtest cut-off, the last
h points of the training part held out, and on the whole training part), caches the point
forecasts, then scores the median of every subset of the candidates (up to ``--max-size``) in
seconds: its backtest sMAPE (what the engine's pooled choice sees) and its sMAPE on the M3
test part (what the benchmark reports). The best subsets by backtest show what the pooled
choice would pick; the best by test are an upper bound for any choice among these candidates
(no choice made without the test can do better). The mean of every subset is scored beside
its median. ``--peers`` adds statsforecast models as members (fitted the same two times,
``n_jobs`` as ``--workers``; their wall time is printed next to AutoETS's, the time limit of
issue 16): whether a member the engine does not have could close the gap. This is the
measurement behind the notes on M3 monthly in BENCHMARKS.md; it writes nothing there.

    python benchmarks/forecast_m3_members.py --data-dir DIR/m3 --group monthly \\
        --candidates theta,dotm,damped,seasonal_naive,ets_seasonal,ets,otm --cache /tmp/m.pkl \\
        --peers AutoETS,AutoCES

Options: ``--data-dir DIR`` (default ``$SALESFLOW_BENCHMARK_DATA/m3``), ``--group``,
``--candidates`` (local models of :mod:`salesflow.forecasting.candidates`), ``--peers``
(statsforecast model classes with a ``season_length``, the ``bench`` extra), ``--max-size``,
``--top N``, ``--workers N``, ``--cache FILE`` (reused when it holds the same group,
candidates and peers).
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


def fit_peers(data_dir: Path, group: str, peers: tuple[str, ...], workers: int) \
        -> dict[str, Any]:
    """statsforecast's ``peers`` on ``group`` as :func:`fit_group` fits the candidates: at the
    backtest cut-off and on the whole training part (clipped at zero), with the wall seconds
    of each peer's two fits."""
    import statsforecast.models as sf_models
    from statsforecast import StatsForecast

    from salesflow.data.instances.m3 import read_m3

    data = read_m3(data_dir, group)
    h, m = data.horizon, data.season_length
    train = data.train[["unique_id", "y"]].copy()
    train["ds"] = train.groupby("unique_id").cumcount()
    cut = train[train.groupby("unique_id")["ds"].transform("max") - train["ds"] >= h]
    warm = train[train["unique_id"].isin(sorted(train["unique_id"].unique())[:2])]
    backtest: list[np.ndarray] = []
    final: list[np.ndarray] = []
    seconds: dict[str, float] = {}
    for name in peers:
        model = getattr(sf_models, name)
        StatsForecast(models=[model(season_length=m)], freq=1, n_jobs=1).forecast(
            df=warm, h=h)  # numba compilation, not timed
        started = time.perf_counter()
        for frame, out in ((cut, backtest), (train, final)):
            fc = StatsForecast(models=[model(season_length=m)], freq=1, n_jobs=workers
                               ).forecast(df=frame, h=h)
            fc = fc.reset_index() if "unique_id" not in fc.columns else fc
            fc = fc.sort_values(["unique_id", "ds"])
            column = next(c for c in fc.columns if c not in ("unique_id", "ds"))
            out.append(fc[column].to_numpy(dtype=np.float64).reshape(-1, h))
        seconds[name] = time.perf_counter() - started
    return {"peers": peers, "peer_seconds": seconds,
            "backtest": np.maximum(np.stack(backtest, axis=1), 0.0),
            "final": np.maximum(np.stack(final, axis=1), 0.0)}


def search(cache: dict[str, Any], max_size: int) \
        -> list[tuple[float, float, str, tuple[str, ...]]]:
    """``(backtest sMAPE, test sMAPE, combination, members)`` of the median and the mean of
    every subset."""
    names = cache["names"]
    out = []
    for k in range(1, min(max_size, len(names)) + 1):
        for subset in combinations(range(len(names)), k):
            cols = list(subset)
            for label, combine in (("median", np.median), ("mean", np.mean)):
                if label == "mean" and k == 1:
                    continue
                backtest = float(smape_rows(cache["backtest_actual"],
                                            combine(cache["backtest"][:, cols], axis=1)).mean())
                test = float(smape_rows(cache["test"],
                                        combine(cache["final"][:, cols], axis=1)).mean())
                out.append((backtest, test, label, tuple(names[i] for i in cols)))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--group", default="monthly")
    parser.add_argument("--candidates",
                        default="theta,dotm,damped,seasonal_naive,ets_seasonal,ets,otm")
    parser.add_argument("--peers", default="",
                        help="statsforecast models added as members, e.g. AutoETS,AutoCES")
    parser.add_argument("--max-size", type=int, default=6)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    candidates = tuple(n for n in args.candidates.split(",") if n)
    peers = tuple(n for n in args.peers.split(",") if n)
    names = candidates + peers
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
        cache = fit_group(folder, args.group, candidates, args.workers)
        cache["peer_seconds"] = {}
        if peers:
            fitted = fit_peers(folder, args.group, peers, args.workers)
            cache["peer_seconds"] = fitted["peer_seconds"]
            for part in ("backtest", "final"):
                cache[part] = np.concatenate([cache[part], fitted[part]], axis=1)
        cache["names"] = names
        if args.cache is not None:
            with args.cache.open("wb") as handle:
                pickle.dump(cache, handle)
    print(f"M3 {args.group}: {cache['test'].shape[0]} series; the candidates' fits took "
          f"{cache['seconds']:.1f} s with {args.workers} workers")
    for name, seconds in cache.get("peer_seconds", {}).items():
        print(f"  statsforecast {name}'s two fits took {seconds:.1f} s")
    for j, name in enumerate(names):
        print(f"  {name}: backtest sMAPE "
              f"{smape_rows(cache['backtest_actual'], cache['backtest'][:, j]).mean():.3f}, "
              f"test {smape_rows(cache['test'], cache['final'][:, j]).mean():.3f}")
    results = search(cache, args.max_size)
    for title, key in (("best by backtest (what the pooled choice sees)", 0),
                       ("best by test (no choice without the test does better)", 1)):
        print(title)
        for backtest, test, label, members in sorted(results, key=lambda r: r[key])[:args.top]:
            print(f"  backtest {backtest:.3f}  test {test:.3f}  {label}({','.join(members)})")


if __name__ == "__main__":
    main()
