"""The customer-service desk: agents per hour sized by Erlang C for a service-level target.

Contacts follow the orders: ``orders(day) x profile(hour) x contacts per order`` in each clock
hour; the desk needs the fewest agents that answer ``target_level`` of them within
``answer_seconds`` (:func:`~salesflow.optimizer.staffing.erlang.agents_needed`), e.g. 80 % in
20 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from salesflow.optimizer.staffing.erlang import agents_needed, queue_figures

SERVICE_DESK_SKILL = "customer_service"
CONTACTS_PER_ORDER = 0.25
"""Customer contacts per order (proposed config key ``staffing.contacts_per_order``)."""
HANDLE_SECONDS = 300.0
"""Average handle time of a contact (``staffing.handle_seconds``)."""
SERVICE_LEVEL_TARGET = 0.8
"""Share of contacts to answer within the answer time (``staffing.service_level_target``)."""
ANSWER_SECONDS = 20.0
"""Answer-time target in seconds (``staffing.answer_seconds``)."""
INTERVAL_SECONDS = 3600.0

DESK_COLUMNS = ("date", "hour", "contacts", "traffic_erlangs", "agents", "p_wait",
                "service_level", "asa_seconds", "occupancy")


@dataclass(frozen=True)
class ServiceDesk:
    """The desk's settings."""

    contacts_per_order: float = CONTACTS_PER_ORDER
    handle_seconds: float = HANDLE_SECONDS
    target_level: float = SERVICE_LEVEL_TARGET
    answer_seconds: float = ANSWER_SECONDS
    skill: str = SERVICE_DESK_SKILL

    def __post_init__(self) -> None:
        if self.contacts_per_order < 0 or self.handle_seconds <= 0 or self.answer_seconds < 0:
            raise ValueError(f"contacts_per_order and answer_seconds must be >= 0 and "
                             f"handle_seconds > 0; got {self}")
        if not 0 < self.target_level < 1:
            raise ValueError(f"target_level must be in (0, 1); got {self.target_level!r}")


def service_desk_plan(orders_per_day: pd.Series, profile: pd.Series,
                      desk: ServiceDesk | None = None) -> pd.DataFrame:
    """Contacts, traffic and agents needed per date and hour, with the queue figures the
    agents achieve.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DESK_COLUMNS`, one row per (date, hour) with contacts, sorted.
    """
    desk = desk or ServiceDesk()
    shares = profile.reindex(range(24), fill_value=0.0).astype(float)
    rows = []
    for date, orders in sorted(orders_per_day.items()):
        for hour in range(24):
            contacts = float(orders) * shares[hour] * desk.contacts_per_order
            if contacts <= 0:
                continue
            traffic = contacts * desk.handle_seconds / INTERVAL_SECONDS
            agents = agents_needed(traffic, desk.handle_seconds, desk.answer_seconds,
                                   desk.target_level)
            q = queue_figures(agents, contacts, INTERVAL_SECONDS, desk.handle_seconds,
                              desk.answer_seconds)
            rows.append((pd.Timestamp(date), hour, contacts, traffic, agents, q.p_wait,
                         q.service_level, q.asa_seconds, q.occupancy))
    frame = pd.DataFrame(rows, columns=list(DESK_COLUMNS))
    frame["date"] = frame["date"].astype("datetime64[ns]")
    frame["hour"] = frame["hour"].astype("int64")
    frame["agents"] = frame["agents"].astype("int64")
    return frame


def desk_requirements(plan: pd.DataFrame, desk: ServiceDesk | None = None) -> pd.DataFrame:
    """The desk plan as requirement rows ``date, hour, skill, required`` (agents)."""
    desk = desk or ServiceDesk()
    out = plan.loc[plan["agents"] > 0, ["date", "hour", "agents"]].rename(
        columns={"agents": "required"})
    out.insert(2, "skill", desk.skill)
    out["required"] = out["required"].astype("float64")
    return out.reset_index(drop=True)
