"""Is the dataset fresh enough for the week planned?

The rule (``[data] max_days_since_last_sale`` of ``config.toml``, default 7): the plan week
must start at most that many days after the dataset's last sale (the latest ``order_date``
of ``sales``). With the default, the week right after the last sale is planned; a week
starting 8 or more days after it is refused (:class:`StaleDataError`, exit 2, naming both
dates and the option) unless the planner passes ``--allow-stale``; the plan then carries the
warning (summary, ``kpis.json`` ``warnings``, report).

Data dated after the plan week starts: of the dated fields the data contract has, sales
after the week start are never seen by the plan (the history stops before the week), and
purchase orders issued from the plan store are netted only when placed (``order_date``)
before the week. ``inventory`` (``sku``, ``on_hand``) and ``open_orders`` (``po_id``,
``sku``, ``quantity``, ``arrival_date``) carry no date of their own: they are taken as of
the last sale. Planning a week that starts on or before the last sale therefore uses stock
and open orders of a later day than the week's start; that plan gets a warning (not an
error: planning past weeks is how forecasts are checked against what was sold).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from salesflow.data.dataset.config import iso_week
from salesflow.data.dataset.loading import Dataset
from salesflow.data.errors import UserError
from salesflow.data.i18n import _

OPTION = "[data] max_days_since_last_sale"
"""The config option of the rule, as messages name it."""


class StaleDataError(UserError):
    """The plan week starts too long after the dataset's last sale."""


@dataclass(frozen=True)
class Freshness:
    """The dates compared for one plan week and the warnings the plan carries."""

    last_sale: dt.date
    week_start: dt.date
    max_days: int
    warnings: tuple[str, ...]

    @property
    def days_after_last_sale(self) -> int:
        """Days from the last sale to the plan week's Monday."""
        return (self.week_start - self.last_sale).days


def check_freshness(dataset: Dataset, week_start: dt.date, *,
                    allow_stale: bool = False) -> Freshness:
    """Compare the dataset's dates with the plan week starting ``week_start``.

    Raises
    ------
    StaleDataError
        The week starts more than ``[data] max_days_since_last_sale`` days after the last
        sale and ``allow_stale`` is not set.
    """
    last_sale = dataset.history_end
    max_days = int(dataset.config.data.max_days_since_last_sale)
    gap = (week_start - last_sale).days
    week = iso_week(week_start)
    sales_file = dataset.files.get("sales") or "sales.csv"
    warnings: list[str] = []
    if gap > max_days:
        text = _("the sales history ({file}) ends on {last_sale}, but the plan week {week} "
                 "starts on {start}, {days} days later (more than {option} = {max_days} of "
                 "config.toml): the forecast sees no recent sales").format(
                     file=sales_file, last_sale=last_sale.isoformat(), week=week,
                     start=week_start.isoformat(), days=gap, option=OPTION, max_days=max_days)
        if not allow_stale:
            raise StaleDataError(
                _("{problem}; add the recent sales, plan an earlier week, or pass --allow-stale "
                  "to plan anyway with a warning").format(problem=text))
        warnings.append(_("STALE DATA: {problem} (planned with --allow-stale)").format(
            problem=text))
    elif gap <= 0:
        warnings.append(
            _("the plan week {week} starts on {start}, on or before the last sale "
              "({last_sale}): inventory and open_orders have no date and are taken as of the "
              "last sale, later than the week's start").format(
                  week=week, start=week_start.isoformat(), last_sale=last_sale.isoformat()))
    return Freshness(last_sale, week_start, max_days, tuple(warnings))
