"""Erlang C (M/M/c, no abandonment): waiting probability, service level, agents needed.

With ``A = calls * handle time / interval`` Erlangs of traffic and ``c`` agents::

    P(wait) = C(c, A)                                   (Erlang C)
    SL(t)   = 1 - P(wait) * exp(-(c - A) * t / handle)  (share answered within t seconds)
    ASA     = P(wait) * handle / (c - A)                (average speed of answer)
    occupancy = A / c

``C`` comes from the Erlang B recursion ``B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1))`` and
``C = c B / (c - A (1 - B))``, stable for thousands of agents. With ``c <= A`` the queue grows
without bound: ``P(wait) = 1``, service level 0, ASA infinite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_AGENTS = 100_000


def traffic_erlangs(calls: float, interval_seconds: float, handle_seconds: float) -> float:
    """Offered traffic ``calls * handle / interval`` in Erlangs.

    Raises
    ------
    ValueError
        If calls or handle time are negative or the interval is not positive.
    """
    if calls < 0 or handle_seconds < 0 or interval_seconds <= 0:
        raise ValueError(f"calls and handle_seconds must be >= 0 and interval_seconds > 0; got "
                         f"{calls!r}, {handle_seconds!r}, {interval_seconds!r}")
    return calls * handle_seconds / interval_seconds


def _check(agents: int, traffic: float) -> None:
    if agents < 0 or traffic < 0:
        raise ValueError(f"agents and traffic must be >= 0; got {agents!r}, {traffic!r}")


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of ``agents`` servers offered ``traffic`` Erlangs (Erlang B)."""
    _check(agents, traffic)
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def p_wait(agents: int, traffic: float) -> float:
    """Probability that a call waits (Erlang C); 1 when ``agents <= traffic``."""
    _check(agents, traffic)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1.0 - b))


def service_level(agents: int, traffic: float, handle_seconds: float,
                  target_seconds: float) -> float:
    """Share of calls answered within ``target_seconds``; 0 when ``agents <= traffic``."""
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = p_wait(agents, traffic)
    return 1.0 - wait * math.exp(-(agents - traffic) * target_seconds / handle_seconds)


def average_speed_of_answer(agents: int, traffic: float, handle_seconds: float) -> float:
    """Mean wait in seconds; infinite when ``agents <= traffic``."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return p_wait(agents, traffic) * handle_seconds / (agents - traffic)


def agents_needed(traffic: float, handle_seconds: float, target_seconds: float,
                  target_level: float) -> int:
    """Fewest agents whose service level within ``target_seconds`` is at least
    ``target_level`` (0 for no traffic).

    Raises
    ------
    ValueError
        If the target level is not in (0, 1) or the traffic is negative.
    """
    if not 0 < target_level < 1:
        raise ValueError(f"target_level must be in (0, 1); got {target_level!r}")
    if traffic < 0:
        raise ValueError(f"traffic must be >= 0; got {traffic!r}")
    if traffic == 0:
        return 0
    agents = math.floor(traffic) + 1
    while service_level(agents, traffic, handle_seconds, target_seconds) < target_level:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS} agents needed for {traffic:g} Erlangs")
    return agents


@dataclass(frozen=True)
class QueueFigures:
    """Erlang C figures of one staffing level."""

    agents: int
    traffic: float
    p_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float


def queue_figures(agents: int, calls: float, interval_seconds: float, handle_seconds: float,
                  target_seconds: float) -> QueueFigures:
    """P(wait), service level, ASA and occupancy of ``agents`` for ``calls`` per interval."""
    a = traffic_erlangs(calls, interval_seconds, handle_seconds)
    return QueueFigures(agents, a, p_wait(agents, a),
                        service_level(agents, a, handle_seconds, target_seconds),
                        average_speed_of_answer(agents, a, handle_seconds),
                        a / agents if agents else math.inf)
