"""Salesflow's forecasting engine on one M3 group, scored the M3 way (``salesflow bench
forecast``).

The statsforecast peers run in ``benchmarks/forecast_m3.py``, which uses :func:`run_m3` for
salesflow's own row; this module measures salesflow alone and imports no peer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesflow.data.instances.m3 import M3Group
    from salesflow.forecasting.evaluation import EngineRun

GROUPS = ("yearly", "quarterly", "monthly", "other")


def run_m3(data_dir: Path, group: str, workers: int = 2, limit: int | None = None,
           progress: Any = None) -> tuple[M3Group, EngineRun]:
    """Forecast an M3 group with salesflow's engine on the official split (the last h points
    of each series held out) and score it.

    Parameters
    ----------
    data_dir:
        Folder with ``m3_<group>_train/test.csv.gz`` and ``m3_spec.json``.
    group:
        ``yearly``, ``quarterly``, ``monthly`` or ``other``.
    workers:
        Worker processes.
    limit:
        Only the first ``limit`` series (by id), for a quick run.
    progress:
        Progress callback handed to the engine (None: silent).

    Returns
    -------
    tuple
        The group's data and the engine's run (per-series scores, chosen models, seconds).

    Raises
    ------
    UserError
        If the group's files are missing.
    """
    from salesflow.data.instances.m3 import read_m3
    from salesflow.forecasting.evaluation import run_engine

    data = read_m3(data_dir, group)
    if limit is not None:
        data = data.head(limit)
    run = run_engine(data.train, data.test, data.horizon, data.season_length,
                     n_jobs=workers, progress=progress)
    return data, run


def summary(group: str, data: M3Group, run: EngineRun, workers: int) -> dict[str, Any]:
    """The machine-readable summary of one :func:`run_m3`: series, horizon, season length,
    sMAPE, MASE, p10-p90 coverage, seconds and the five most chosen models."""
    s = run.scores
    return {"ok": True, "group": group, "series": s.n_series, "horizon": data.horizon,
            "season_length": data.season_length, "smape": s.smape, "mase": s.mase,
            "coverage_p10_p90": s.coverage, "seconds": round(run.seconds, 1),
            "workers": workers,
            "models": {str(k): int(v) for k, v in run.series["model"].value_counts()
                       .head(5).items()}}


def summary_line(payload: dict[str, Any]) -> str:
    """One line for a person from :func:`summary`'s dictionary."""
    return (f"M3 {payload['group']}: {payload['series']} series, h={payload['horizon']}: "
            f"sMAPE {payload['smape']:.2f}, MASE {payload['mase']:.3f}, p10-p90 coverage "
            f"{payload['coverage_p10_p90']:.1%}, {payload['seconds']:.1f} s with "
            f"{payload['workers']} workers")
