"""How the forecasts of past plans did against the sales that arrived since (pure, no I/O).

Each past plan holds the forecast it purchased on (``forecast``, after the planner's
overrides) and the statistical forecast under it (``statistical_forecast``: the same value
where no override applied). Both are scored beside the seasonal naive forecast made from the
same history (the "before" of the weekly cycle), on every SKU and forecast week whose sales
have arrived:

* A week has arrived when the sales history reaches into it (its Monday is on or before the
  last sale): the week holding the last sale counts, as it does when ``weekly`` picks the
  week to plan. A later week is listed as "no sales yet", never scored as zero.
* MASE divides each absolute error by the SKU's :func:`~salesflow.forecasting.metrics.mase_scale`
  of the weekly history the plan saw (lag 1, the one-step naive scale) and averages over the
  points of a group: :func:`~salesflow.forecasting.metrics.mase` pooled over SKUs. Points of a
  SKU without a scale (never sold, or constant before the plan) are left out of MASE only.
* WAPE and bias are :func:`~salesflow.forecasting.metrics.wape` and
  :func:`~salesflow.forecasting.metrics.bias` (mean units per SKU-week, positive: too high)
  over the group's points.
* Forecast value added: ``fva_overrides = mase_statistical - mase`` (MASE the planners'
  overrides removed; negative when they made it worse) and ``fva_statistical = mase_naive -
  mase_statistical`` (what the engine adds over the seasonal naive).

Groups: per plan week (the forecast of the week the plan was made for, lead 1), per forecast
lead, per demand class (classified on the history the plan saw, as the engine does), per
model, and overall.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesflow.data.dataset.config import iso_week
from salesflow.data.i18n import _, ngettext
from salesflow.forecasting.baseline import seasonal_naive_forecast
from salesflow.forecasting.classify import classify_demand
from salesflow.forecasting.metrics import bias, mase_scale, wape
from salesflow.forecasting.series import weekly_demand

VARIANTS = {"": "forecast", "_statistical": "statistical_forecast", "_naive": "naive_forecast"}
"""Metric suffix -> forecast column: final (after overrides), statistical, seasonal naive."""
SCALE_LAG = 1
POINT_COLUMNS = ("plan_id", "plan_week", "target_week", "week_start", "lead", "sku",
                 "demand_class", "model", "actual", "forecast", "statistical_forecast",
                 "naive_forecast", "overridden", "scale")


@dataclass(frozen=True)
class PastForecast:
    """The forecast a stored plan was made with.

    Attributes
    ----------
    plan_id, week:
        The plan and its ISO week (``YYYY-Www``).
    frame:
        ``sku, week_start`` (Monday, datetime64), ``forecast`` (final), ``model`` and
        ``statistical_forecast``.
    """

    plan_id: int
    week: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class AccuracyReport:
    """Scores of past plans' forecasts.

    Attributes
    ----------
    points:
        One row per scored plan, SKU and forecast week (:data:`POINT_COLUMNS`).
    by_week, by_lead, by_class, by_model, overall:
        Metrics per group: ``points`` and for each variant (suffix ``""`` final,
        ``_statistical``, ``_naive``) ``mase``, ``wape``, ``bias``; then ``fva_overrides``,
        ``fva_statistical`` and ``overridden`` (points an override changed).
    pending:
        Forecast weeks without sales yet: ``week`` (ISO), ``week_start``, ``plans`` (ids).
    history_end:
        Date of the last sale in the dataset.
    notes:
        What was left out and why (a plan's SKUs the dataset no longer has).
    """

    points: pd.DataFrame
    by_week: pd.DataFrame
    by_lead: pd.DataFrame
    by_class: pd.DataFrame
    by_model: pd.DataFrame
    overall: pd.DataFrame
    pending: pd.DataFrame
    history_end: dt.date
    notes: list[str] = field(default_factory=list)

    def pending_lines(self) -> list[str]:
        """``week 2026-W49: no sales yet (plans 12, 13)`` per week without sales."""
        return [ngettext("week {week}: no sales yet (plan {plans})",
                         "week {week}: no sales yet (plans {plans})", len(row.plans)).format(
                             week=row.week, plans=", ".join(map(str, row.plans)))
                for row in self.pending.itertuples()]


def plan_forecast_frame(forecast: pd.DataFrame, applied: pd.DataFrame | None) -> pd.DataFrame:
    """A plan's ``forecast.csv`` with its ``statistical_forecast``: the one of
    ``forecast_overrides_applied.csv`` where an override applied, else the forecast (plans
    made before overrides existed have no such file)."""
    frame = forecast[["sku", "week_start", "forecast", "model"]].copy()
    frame["sku"] = frame["sku"].astype(str)
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    frame["forecast"] = pd.to_numeric(frame["forecast"], errors="coerce").astype(float)
    frame["statistical_forecast"] = frame["forecast"]
    frame["overridden"] = False
    if applied is not None and len(applied):
        stat = applied.assign(sku=applied["sku"].astype(str),
                              week_start=pd.to_datetime(applied["week_start"]))
        stat = stat.set_index(["sku", "week_start"])["statistical_forecast"].astype(float)
        key = pd.MultiIndex.from_frame(frame[["sku", "week_start"]])
        found = key.isin(stat.index)
        frame.loc[found, "statistical_forecast"] = stat.reindex(key[found]).to_numpy()
        frame.loc[found, "overridden"] = True
    return frame


def _group_metrics(points: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = []
    grouped = points.groupby(keys, sort=True) if keys else [((), points)] if len(points) else []
    for key, group in grouped:
        values = key if isinstance(key, tuple) else (key,)
        row: dict[str, object] = dict(zip(keys, values, strict=True))
        row["points"] = len(group)
        scaled = group["scale"].gt(0) & np.isfinite(group["scale"])
        y = group["actual"].to_numpy(float)
        for suffix, column in VARIANTS.items():
            f = group[column].to_numpy(float)
            errors = np.abs(y - f)[scaled.to_numpy()] / group["scale"][scaled].to_numpy(float)
            row[f"mase{suffix}"] = float(np.mean(errors)) if errors.size else float("nan")
            row[f"wape{suffix}"] = wape(y, f)
            row[f"bias{suffix}"] = bias(y, f)
        row["fva_overrides"] = row["mase_statistical"] - row["mase"]  # type: ignore[operator]
        row["fva_statistical"] = row["mase_naive"] - row["mase_statistical"]  # type: ignore[operator]
        row["overridden"] = int(group["overridden"].sum())
        rows.append(row)
    columns = [*keys, "points", *(f"{m}{s}" for s in VARIANTS for m in ("mase", "wape", "bias")),
               "fva_overrides", "fva_statistical", "overridden"]
    return pd.DataFrame(rows, columns=columns)


def _plan_points(plan: PastForecast, matrix: pd.DataFrame, season_length: int,
                 arrived: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scored points of one plan, and its forecast weeks without sales."""
    frame = plan.frame[plan.frame["sku"].isin(matrix.index)]
    start = pd.Timestamp(frame["week_start"].min()) if len(frame) else None
    if start is None:
        return pd.DataFrame(columns=list(POINT_COLUMNS)), pd.DataFrame()
    seen = matrix.loc[:, matrix.columns < start]
    skus = sorted(frame["sku"].unique())
    history = seen.loc[skus]
    scale = {sku: mase_scale(history.loc[sku].to_numpy(), SCALE_LAG) for sku in skus}
    label = {sku: classify_demand(history.loc[sku].to_numpy()).label for sku in skus}
    horizon = int(frame["week_start"].nunique())
    long = history.stack().rename("y").reset_index()
    long.columns = ["unique_id", "ds", "y"]
    naive = seasonal_naive_forecast(long, horizon, season_length, "7D", ()) if len(long) \
        else pd.DataFrame(columns=["unique_id", "ds", "forecast"])
    naive = naive.rename(columns={"unique_id": "sku", "ds": "week_start",
                                  "forecast": "naive_forecast"})[["sku", "week_start",
                                                                  "naive_forecast"]]
    out = frame.merge(naive, on=["sku", "week_start"], how="left")
    out["lead"] = ((out["week_start"] - start).dt.days // 7 + 1).astype(int)
    out["plan_id"], out["plan_week"] = plan.plan_id, plan.week
    out["target_week"] = out["week_start"].map(lambda d: iso_week(d.date()))
    out["demand_class"] = out["sku"].map(label)
    out["scale"] = out["sku"].map(scale).astype(float)
    has_sales = out["week_start"] <= arrived
    waiting = out.loc[~has_sales, ["target_week", "week_start"]].drop_duplicates()
    scored = out[has_sales].copy()
    actual = matrix.stack()
    scored["actual"] = actual.reindex(pd.MultiIndex.from_frame(
        scored[["sku", "week_start"]])).fillna(0.0).to_numpy()
    return scored[list(POINT_COLUMNS)], waiting.assign(plan_id=plan.plan_id)


def forecast_accuracy(sales: pd.DataFrame, skus: Sequence[str], plans: Sequence[PastForecast],
                      season_length: int) -> AccuracyReport:
    """Score ``plans`` against ``sales`` (the typed sales table of the dataset now).

    Parameters
    ----------
    skus:
        The catalogue; a plan's SKUs outside it are not scored.
    season_length:
        Weeks per season of the seasonal naive forecast (config ``forecast.season_length``;
        the last year's week when the history holds a season, else the last week).
    """
    history_end = pd.Timestamp(sales["order_date"].max())
    arrived = history_end - pd.Timedelta(days=history_end.day_of_week)  # Monday of last sale
    end = (arrived + pd.Timedelta(days=7)).date()
    weekly = weekly_demand(sales, list(skus), end)
    matrix = weekly.pivot(index="unique_id", columns="ds", values="y")
    point_frames, waiting_frames, notes = [], [], []
    for plan in plans:
        unknown = sorted(set(plan.frame["sku"]) - set(matrix.index))
        if unknown:
            notes.append(_("plan {plan_id} ({week}): {count} SKU(s) not in the dataset's skus, "
                           "not scored (first: {first})").format(
                               plan_id=plan.plan_id, week=plan.week, count=len(unknown),
                               first=unknown[0]))
        points, waiting = _plan_points(plan, matrix, season_length, arrived)
        point_frames.append(points)
        if len(waiting):
            waiting_frames.append(waiting)
    nonempty = [p for p in point_frames if len(p)]
    points = pd.concat(nonempty, ignore_index=True) if nonempty else \
        pd.DataFrame(columns=list(POINT_COLUMNS))
    if waiting_frames:
        waits = pd.concat(waiting_frames, ignore_index=True)
        pending = (waits.groupby(["week_start", "target_week"])["plan_id"]
                   .agg(lambda ids: sorted(set(ids))).reset_index()
                   .rename(columns={"target_week": "week", "plan_id": "plans"}))
        pending = pending[["week", "week_start", "plans"]]
    else:
        pending = pd.DataFrame(columns=["week", "week_start", "plans"])
    lead_one = points[points["lead"] == 1]
    return AccuracyReport(
        points=points,
        by_week=_group_metrics(lead_one, ["plan_week", "plan_id"]),
        by_lead=_group_metrics(points, ["lead"]),
        by_class=_group_metrics(points, ["demand_class"]),
        by_model=_group_metrics(points, ["model"]),
        overall=_group_metrics(points, []),
        pending=pending,
        history_end=history_end.date(),
        notes=notes,
    )
