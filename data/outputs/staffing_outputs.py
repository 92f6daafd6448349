"""Staffing output files as bytes: ``coverage.csv``, the coverage chart (PNG) and
``cycle_target_shifts.csv``.

``coverage.csv`` has one row per (day, hour, skill): ``day`` (YYYY-MM-DD), ``hour``,
``skill``, ``required`` and ``staffed`` persons (3 decimals). The chart draws required and
staffed persons per hour of the horizon, one panel per skill, with the baseline's staffing
dashed when given, its labels in the reader's language (with a CJK font when one is installed,
see :func:`~salesflow.data.outputs.report_charts.chart_fonts`). Matplotlib runs with its
non-interactive Agg backend; names from the data are drawn as plain text (no math rendering).
"""

from __future__ import annotations

import io

import pandas as pd

from salesflow.data.i18n import N_, _
from salesflow.data.i18n.terms import skill_label
from salesflow.data.outputs.writers import csv_bytes

COVERAGE_CSV_COLUMNS = ("day", "hour", "skill", "required", "staffed")
ADDED_SHIFT_COLUMNS = ("date", "weekday", "shift_id", "skill", "employee_id", "existing",
                       "paid_hours", "hourly_cost", "cost")
MAX_PANELS = 12
DEFAULT_TITLE = N_("Coverage per hour")


def coverage_csv(cov: pd.DataFrame) -> bytes:
    """``coverage.csv`` of a coverage table (``date, hour, skill, required, staffed``)."""
    out = pd.DataFrame({
        "day": pd.to_datetime(cov["date"]).dt.strftime("%Y-%m-%d"),
        "hour": cov["hour"].astype("int64"),
        "skill": cov["skill"].astype(str),
        "required": cov["required"].astype(float).round(3),
        "staffed": cov["staffed"].astype(float).round(3),
    })
    return csv_bytes(out.loc[:, list(COVERAGE_CSV_COLUMNS)])


def added_shifts_csv(shifts: list[dict[str, object]]) -> bytes:
    """``cycle_target_shifts.csv``: one row per shift the order-cycle target needs added
    (``existing`` true when today's staff works it, false for an extra person)."""
    return csv_bytes(pd.DataFrame(shifts, columns=list(ADDED_SHIFT_COLUMNS)))


def _series(cov: pd.DataFrame, skill: str, column: str, slots: pd.DatetimeIndex) -> pd.Series:
    rows = cov[cov["skill"] == skill]
    when = pd.to_datetime(rows["date"]) + pd.to_timedelta(rows["hour"], unit="h")
    values = pd.Series(rows[column].to_numpy(dtype=float), index=when)
    return values.groupby(level=0).sum().reindex(slots, fill_value=0.0)


def coverage_chart_png(cov: pd.DataFrame, baseline: pd.DataFrame | None = None,
                       title: str = "") -> bytes:
    """A PNG of required vs staffed persons per hour, one panel per skill (required skills
    first, at most :data:`MAX_PANELS`)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from salesflow.data.outputs.report_charts import chart_fonts, quiet_glyphs

    frames = [cov] + ([baseline] if baseline is not None else [])
    dates = pd.concat([pd.to_datetime(f["date"]) for f in frames if not f.empty])
    if dates.empty:
        first = last = pd.Timestamp("1970-01-01")
    else:
        first, last = dates.min().normalize(), dates.max().normalize()
    slots = pd.date_range(first, last + pd.Timedelta(hours=23), freq="h")
    needed = cov.groupby("skill")["required"].sum().sort_values(ascending=False)
    skills = [str(s) for s in needed.index][:MAX_PANELS] or [""]
    matplotlib.rcParams.update({"font.family": chart_fonts(), "axes.unicode_minus": False})
    fig = Figure(figsize=(12, 1.9 * len(skills) + 0.8), dpi=100)
    axes = fig.subplots(len(skills), 1, sharex=True, squeeze=False)[:, 0]
    for ax, skill in zip(axes, skills, strict=True):
        ax.step(slots, _series(cov, skill, "required", slots), where="post", color="black",
                linewidth=1.2, label=_("required"))
        ax.fill_between(slots, _series(cov, skill, "staffed", slots), step="post",
                        alpha=0.35, color="tab:blue", label=_("staffed"))
        if baseline is not None:
            ax.step(slots, _series(baseline, skill, "staffed", slots), where="post",
                    color="tab:orange", linestyle="--", linewidth=1,
                    label=_("fixed-pattern roster"))
        ax.set_ylabel(_("persons"))
        ax.set_title(skill_label(skill) if skill else _("none: no staffing requirement"),
                     loc="left", fontsize=10, parse_math=False)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8, ncols=3)
    fig.suptitle(title or _(DEFAULT_TITLE), parse_math=False)
    fig.autofmt_xdate()
    buffer = io.BytesIO()
    with quiet_glyphs():
        fig.tight_layout()
        fig.savefig(buffer, format="png")
    return buffer.getvalue()
