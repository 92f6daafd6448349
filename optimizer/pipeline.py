"""What the ``purchase``, ``routes`` and ``staff`` commands run: one call each, composed of
the weekly cycle's stages, so that the commands only parse options, call, print and exit.

* :func:`purchase_run`: the purchase plan for a week against the forecast, or against a
  given demand (its weeks are then the horizon).
* :func:`routes_run`: the routes of a week's delivery days (or of some of them).
* :func:`staff_run`: the roster for a week from the forecast (with the purchase plan's
  receiving work), or for a given requirements table.

Every solver call of a run gets the one :class:`~salesflow.optimizer.limits.SolveLimits`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesflow.data.dataset.source_rows import key_rows
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import N_, _
from salesflow.optimizer.context import PlanningContext
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.builder import purchase_demand
from salesflow.optimizer.purchasing.solve import ProgressCallback
from salesflow.optimizer.purchasing.stage import (
    PurchaseOptions,
    PurchasingResult,
    purchasing_stage,
)
from salesflow.optimizer.routing.builder import delivery_stops, split_unplaced
from salesflow.optimizer.routing.stage import DayProgress, RoutingResult, routing_stage
from salesflow.optimizer.staffing.solve import Progress
from salesflow.optimizer.staffing.stage import StaffingResult, staffing_from_requirements
from salesflow.optimizer.tradeoff import pursue_targets
from salesflow.optimizer.weekly import forecast_for, through_staffing

if TYPE_CHECKING:
    import pandas as pd

    from salesflow.data.dataset import Dataset
    from salesflow.data.dataset.demand_input import DemandInput
    from salesflow.optimizer.routing.distances import DistanceSource


@dataclass(frozen=True)
class PurchaseRun:
    """A purchase plan and the context it was made in."""

    context: PlanningContext
    result: PurchasingResult


def purchase_run(dataset: Dataset, limits: SolveLimits, *, week: str | None = None,
                 demand: DemandInput | None = None, options: PurchaseOptions | None = None,
                 progress: ProgressCallback | None = None) -> PurchaseRun:
    """The purchase plan for ``week`` against the forecast, or against ``demand`` (its first
    week is planned, its weeks are the horizon).

    Raises
    ------
    InvalidInputError
        If both ``week`` and ``demand`` are given, ``week`` is malformed, or the forecast has
        too little history.
    """
    if demand is not None:
        if week is not None:
            raise InvalidInputError([Problem("--week", None, None, week,
                                             _("not with --demand: its first week is "
                                               "planned"))])
        context = PlanningContext.for_demand(dataset, demand.week_start, demand.weeks, limits)
        frame = demand.frame
    else:
        context = PlanningContext.build(
            dataset, week, limits=limits,
            history_hint=_("; the forecast needs history (or give --demand)"))
        frame = purchase_demand(forecast_for(dataset, context).demand)
    return PurchaseRun(context, pursue_targets(
        dataset.config, context.limits,
        purchasing_stage(dataset, context, frame, progress, options)))


def routes_run(dataset: Dataset, limits: SolveLimits, *, week: str | None = None,
               days: tuple[dt.date, ...] = (), distances: DistanceSource | None = None,
               progress: DayProgress | None = None) -> tuple[dt.date, RoutingResult]:
    """Routes for every delivery day of ``week``, or only for ``days`` (whose week is then
    the plan week unless ``week`` is given); returns the week's Monday and the result.

    Raises
    ------
    InvalidInputError
        If ``week`` is malformed, a day is not a delivery day of the week, the dataset lacks
        customers, depots or vehicles, or (without ``distances``) a customer to deliver has
        no coordinates: each such customer's row is named.
    """
    missing_tables = dataset.stage_skip_reason("routing")
    if missing_tables:
        raise InvalidInputError([Problem(str(dataset.root), None, None, None,
                                         _("{why}: routing needs customers, depots and "
                                           "vehicles").format(why=missing_tables))])
    if days and week is None:
        week_start = days[0] - dt.timedelta(days=days[0].weekday())
    else:
        week_start = dataset.plan_week_start(week)
    available = delivery_stops(dataset, week_start)
    wrong = [d for d in days if d not in available]
    if wrong:
        raise InvalidInputError([Problem(
            "--day", None, None, ", ".join(map(str, wrong)),
            _("not a delivery day of the week of {start}; delivery days: {days}").format(
                start=week_start, days=", ".join(map(str, sorted(available)))))])
    if distances is None:
        require_coordinates(dataset, [stop.customer_id for day, stops in available.items()
                                       if not days or day in days
                                       for stop in split_unplaced(stops)[1]])
    return week_start, routing_stage(dataset, week_start, limits, distances=distances,
                                     days=days or None, progress=progress)


MATRIX_HINT = N_(", or give --matrix with road distances")
OSRM_HINT = N_(" (OSRM takes coordinates), or give --matrix with road distances")
"""What a customer without coordinates is told to do besides filling lat and lon."""


def require_coordinates(dataset: Dataset, customer_ids: list[str],
                        hint: str = MATRIX_HINT) -> None:
    """Refuse routing customers without ``lat``/``lon`` (distances come from coordinates),
    naming each one's row of the customers table.

    Raises
    ------
    InvalidInputError
        If ``customer_ids`` is not empty.
    """
    if not customer_ids:
        return
    file = dataset.files["customers"]
    rows = key_rows(file, "customers", "customer_id")
    problems = [Problem(file, rows.get(customer), "lat", "",
                        _("customer {customer} has no coordinates (lat/lon blank); fill lat "
                          "and lon{hint}").format(customer=customer, hint=_(hint)))
                for customer in sorted(set(customer_ids), key=lambda c: (rows.get(c, 0), c))]
    raise InvalidInputError(problems, summary=_(
        "{count} customer(s) to route have no coordinates").format(count=len(problems)))


def staff_run(dataset: Dataset, limits: SolveLimits, *, week: str | None = None,
              requirements: pd.DataFrame | None = None,
              step: Callable[[str], None] | None = None,
              progress: Progress | None = None) -> StaffingResult:
    """The roster for ``week`` from the forecast orders, receiving of the purchase plan's
    arrivals and the service desk; or for the given ``requirements`` table.

    ``step`` is told each stage as it starts, ``progress`` every improving roster.

    Raises
    ------
    InvalidInputError
        If both ``week`` and ``requirements`` are given, the week cannot be planned, or the
        dataset has no employees or shifts.
    """
    missing_tables = dataset.stage_skip_reason("staffing")
    if missing_tables:
        raise InvalidInputError([Problem(str(dataset.root), None, None, None,
                                         _("{why}: staffing needs employees and shifts")
                                         .format(why=missing_tables))])
    if requirements is not None:
        if week is not None:
            raise InvalidInputError([Problem(
                "--week", None, None, week,
                _("give --week or --requirements, not both (the requirement dates set the "
                  "days)"))])
        if step is not None:
            step("staffing")
        return staffing_from_requirements(dataset, requirements, limits, progress)
    context = PlanningContext.build(dataset, week, limits=limits)
    staffing = through_staffing(dataset, context, step, progress)[2]
    assert staffing is not None  # skipped only without employees or shifts, refused above
    return staffing
