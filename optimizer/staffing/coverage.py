"""Coverage of a roster against the staffing requirements, hour by hour and skill by skill."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

import pandas as pd

from salesflow.optimizer.staffing.roster import Roster

COVERAGE_COLUMNS = ("date", "hour", "skill", "required", "staffed")


def _staffed_hours(roster: Roster) -> dict[tuple[dt.date, int, str], float]:
    """Persons present per (date, hour, role); partial hours count by the share covered."""
    staffed: dict[tuple[dt.date, int, str], float] = defaultdict(float)
    for a in roster.assignments:
        for slot in range(a.start // 60, -(-a.end // 60)):
            covered = min(a.end, (slot + 1) * 60) - max(a.start, slot * 60)
            if covered > 0:
                day = a.day + dt.timedelta(days=slot // 24)
                staffed[day, slot % 24, a.role] += covered / 60.0
    return staffed


def staffed_rows(roster: Roster, dates: Collection[dt.date]) -> pd.DataFrame:
    """Persons present per date, hour and role on ``dates`` (columns ``date, hour, skill,
    staffed``, sorted): the ``staffed`` side of :func:`coverage` without requirements, built
    directly (a staffing recommendation takes it for every candidate shift)."""
    keep = set(dates)
    cells = sorted((day, hour, skill, value)
                   for (day, hour, skill), value in _staffed_hours(roster).items() if day in keep)
    return pd.DataFrame({
        "date": pd.Series([pd.Timestamp(c[0]) for c in cells], dtype="datetime64[ns]"),
        "hour": pd.Series([c[1] for c in cells], dtype="int64"),
        "skill": pd.Series([c[2] for c in cells], dtype="object").astype("str"),
        "staffed": pd.Series([c[3] for c in cells], dtype="float64"),
    })


def coverage(roster: Roster, requirements: pd.DataFrame) -> pd.DataFrame:
    """Required and staffed persons per date, hour and skill.

    ``staffed`` counts the employees rostered in that role whose shift covers the hour, a
    partial hour by its covered share (08:00-16:30 covers hour 16 by 0.5). Breaks are ignored.
    A shift crossing midnight covers hours of the next date. Rows are the union of required and
    staffed (date, hour, skill); the missing side is 0.

    Parameters
    ----------
    roster:
        The roster.
    requirements:
        Columns ``date, hour, skill, required``.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64), ``hour`` (int), ``skill`` (str), ``required`` and
        ``staffed`` (float), sorted by date, hour, skill.
    """
    need = requirements.loc[:, ["date", "hour", "skill", "required"]].copy()
    need["date"] = pd.to_datetime(need["date"]).dt.normalize().astype("datetime64[ns]")
    need["hour"] = need["hour"].astype("int64")
    need["skill"] = need["skill"].astype("str")
    need["required"] = need["required"].astype("float64")
    need = need.groupby(["date", "hour", "skill"], sort=False)["required"].sum()

    staffed = _staffed_hours(roster)
    have = pd.Series(
        list(staffed.values()),
        index=pd.MultiIndex.from_tuples(
            [(pd.Timestamp(d), h, s) for d, h, s in staffed], names=["date", "hour", "skill"]
        ) if staffed else need.index[:0],
        dtype="float64",
        name="staffed",
    )
    out = pd.concat([need.rename("required"), have], axis=1).fillna(0.0).reset_index()
    out["date"] = out["date"].astype("datetime64[ns]")
    out["hour"] = out["hour"].astype("int64")
    out["skill"] = out["skill"].astype("str")
    out = out.sort_values(["date", "hour", "skill"], kind="stable").reset_index(drop=True)
    return out.loc[:, list(COVERAGE_COLUMNS)]


def coverage_summary(cov: pd.DataFrame) -> dict[str, float]:
    """Person-hour totals of a :func:`coverage` frame.

    The required skills are those with a positive requirement somewhere in ``cov``;
    ``staffed_person_hours``, ``under_person_hours`` and ``over_person_hours`` count those
    skills only, so ``staffed = required - under + over``. Hours rostered on skills nobody
    requires are ``other_person_hours``.

    Returns
    -------
    dict
        ``required_person_hours``, ``staffed_person_hours``, ``under_person_hours`` (sum of
        ``max(0, required - staffed)``), ``over_person_hours`` (sum of ``max(0, staffed -
        required)``), ``other_person_hours`` and ``coverage_rate`` (``1 - under / required``;
        1.0 when nothing is required).
    """
    skills = set(cov.loc[cov["required"] > 0, "skill"])
    on = cov[cov["skill"].isin(skills)]
    gap = on["required"] - on["staffed"]
    required = float(on["required"].sum())
    under = float(gap.clip(lower=0).sum())
    return {
        "required_person_hours": required,
        "staffed_person_hours": float(on["staffed"].sum()),
        "under_person_hours": under,
        "over_person_hours": float((-gap).clip(lower=0).sum()),
        "other_person_hours": float(cov.loc[~cov["skill"].isin(skills), "staffed"].sum()),
        "coverage_rate": 1.0 - under / required if required > 0 else 1.0,
    }
