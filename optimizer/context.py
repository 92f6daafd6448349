"""``PlanningContext``: the week planned, the horizon, the history a plan may see and the
solver limits, decided once at the top of a run and handed to every stage.

The forecast and the purchase plan both take ``horizon_weeks`` from here, so they cover the
same weeks by construction; the ISO week is parsed here and nowhere else in a run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.dataset.config import iso_week
from salesflow.optimizer.limits import SolveLimits


def planning_horizon(dataset: Dataset) -> int:
    """Weeks forecast and planned ahead: ``planning.horizon_weeks`` of ``config.toml``."""
    return int(dataset.config.planning.horizon_weeks)


@dataclass(frozen=True)
class PlanningContext:
    """What every stage of one run shares.

    Attributes
    ----------
    week_start:
        Monday of the plan week.
    horizon_weeks:
        Weeks forecast and planned from ``week_start`` (forecast and purchase plan alike).
    history:
        The sales lines a plan for the week may see (those before ``week_start``).
    limits:
        The limits of each solver call of the run.
    """

    week_start: dt.date
    horizon_weeks: int
    history: pd.DataFrame = field(repr=False)
    limits: SolveLimits = field(default_factory=SolveLimits)

    def __post_init__(self) -> None:
        if self.week_start.weekday() != 0:
            raise ValueError(f"week_start must be a Monday; got {self.week_start}")
        if self.horizon_weeks < 1:
            raise ValueError(f"horizon_weeks must be >= 1; got {self.horizon_weeks}")

    @property
    def week(self) -> str:
        """The plan week as ``YYYY-Www``."""
        return iso_week(self.week_start)

    @property
    def days(self) -> list[dt.date]:
        """The seven dates of the plan week."""
        return [self.week_start + dt.timedelta(days=i) for i in range(7)]

    @classmethod
    def build(cls, dataset: Dataset, week: str | None = None, horizon: int | None = None,
              limits: SolveLimits | None = None, *, week_start: dt.date | None = None,
              history_hint: str = "") -> PlanningContext:
        """The context of planning ``week`` (``YYYY-Www``; default the config's, else the
        week after the last sale) or the Monday ``week_start``, over ``horizon`` weeks
        (default :func:`planning_horizon`), with ``limits`` (default
        :meth:`SolveLimits.from_config`).

        Raises
        ------
        InvalidInputError
            If ``week`` is malformed or there is no sales history before the week
            (``history_hint`` is added to that message).
        """
        start = week_start if week_start is not None else dataset.plan_week_start(week)
        return cls(start, horizon or planning_horizon(dataset),
                   dataset.history_before(start, history_hint),
                   limits or SolveLimits.from_config(dataset.config))

    @classmethod
    def for_demand(cls, dataset: Dataset, week_start: dt.date, horizon: int,
                   limits: SolveLimits | None = None) -> PlanningContext:
        """The context of planning against a given demand from ``week_start`` over its
        ``horizon`` weeks: the history is the sales before the week, or all sales when there
        are none before it (they only set the ABC classes then)."""
        history = dataset.sales[dataset.sales["order_date"] < pd.Timestamp(week_start)]
        return cls(week_start, horizon, dataset.sales if history.empty else history,
                   limits or SolveLimits.from_config(dataset.config))
