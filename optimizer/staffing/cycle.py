"""The order processing cycle under a roster: orders flow through the handling steps and wait
whenever a step's skill has no free capacity.

A fluid model on hourly slots. Orders arrive in each hour (orders per day x intraday profile)
and pass the steps in table order (receive, review, pick, pack, ship). In every slot each skill
has ``staffed persons x 60 x productivity`` minutes; the steps draw on their skill's minutes in
step order, each serving its queue first come, first served; what a step finishes may go on to
the next step in the same slot. The roster's week is taken to repeat: one warm-up week, the
measured week, and two more weeks for the measured orders to finish. An order part finishing
the last step in slot ``f`` after arriving in slot ``a`` took ``f - a + 0.5`` hours (arrivals
spread over their hour, completion at the slot's end), never less than the sum of the step
times. The bottleneck is the step whose queue holds the most order-hours of waiting; its hours
are the measured week's slots that end with orders still queued there.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

_EPS = 1e-9
WEEK_SLOTS = 7 * 24
WARM_UP_WEEKS, TAIL_WEEKS = 1, 2


@dataclass(frozen=True)
class CycleTime:
    """The order processing cycle of a roster.

    Attributes
    ----------
    mean_hours, p90_hours:
        Order-weighted mean and 90th percentile of the cycle (``inf`` if orders never finish).
    within_target:
        Share of orders finished within the target.
    target_hours:
        The target (config ``targets.order_cycle_days`` x 24).
    met:
        Whether the mean cycle is within the target.
    bottleneck_step, bottleneck_skill:
        The step with the most waiting (``None`` when nothing waits).
    bottleneck_hours:
        ``(date, hour)`` slots of the measured week that end with orders queued at the
        bottleneck step.
    waiting_order_hours:
        Order-hours of waiting per step in the measured week.
    unfinished_orders:
        Measured orders not finished two weeks after the measured week.
    """

    mean_hours: float
    p90_hours: float
    within_target: float
    target_hours: float
    met: bool
    bottleneck_step: str | None
    bottleneck_skill: str | None
    bottleneck_hours: tuple[tuple[dt.date, int], ...]
    waiting_order_hours: dict[str, float] = field(default_factory=dict)
    unfinished_orders: float = 0.0


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, q * cum[-1] - _EPS)])


def week_dates(orders_per_day: pd.Series) -> list[dt.date]:
    """Every date from the first to the last of ``orders_per_day``'s index.

    Raises
    ------
    ValueError
        If there are no dates.
    """
    dates = sorted(pd.Timestamp(d).date() for d in orders_per_day.index)
    if not dates:
        raise ValueError("orders_per_day must have at least one date")
    return [dates[0] + dt.timedelta(days=i) for i in range((dates[-1] - dates[0]).days + 1)]


def capacity_minutes(staffed: pd.DataFrame, dates: list[dt.date], productivity: float
                     ) -> dict[str, np.ndarray]:
    """Minutes per skill in each hourly slot of ``dates`` (rows on other dates are left out).
    """
    if staffed.empty:
        return {}
    index = {day: i for i, day in enumerate(dates)}
    day = pd.to_datetime(staffed["date"]).dt.date.map(index)
    keep = day.notna().to_numpy() & (staffed["staffed"].to_numpy(dtype=float) > 0)
    slots = (day[keep].to_numpy(dtype=int) * 24 + staffed["hour"].to_numpy(dtype=int)[keep])
    minutes = staffed["staffed"].to_numpy(dtype=float)[keep] * 60 * productivity
    skills = staffed["skill"].astype(str).to_numpy()[keep]
    out: dict[str, np.ndarray] = {}
    for skill in sorted(set(skills)):
        mine = skills == skill
        out[skill] = np.bincount(slots[mine], weights=minutes[mine],
                                 minlength=len(dates) * 24).astype(float)
    return out


def cycle_time(orders_per_day: pd.Series, profile: pd.Series, process_steps: pd.DataFrame,
               staffed: pd.DataFrame, productivity: float, target_hours: float) -> CycleTime:
    """Simulate the order flow through the steps under a roster's staffed capacity.

    Parameters
    ----------
    orders_per_day:
        Expected orders per date (the measured week; its dates set the slots).
    profile:
        Share of a day's orders per hour 0..23.
    process_steps:
        ``step, minutes_per_order, skill`` in process order.
    staffed:
        ``date, hour, skill, staffed`` (persons), e.g. a coverage table.
    productivity:
        Share of staffed time that handles orders, in (0, 1].
    target_hours:
        The cycle target.

    Raises
    ------
    ValueError
        If productivity is not in (0, 1] or there are no dates.
    """
    if not 0 < productivity <= 1:
        raise ValueError(f"productivity must be in (0, 1]; got {productivity!r}")
    dates = week_dates(orders_per_day)
    return cycle_from_capacity(orders_per_day, profile, process_steps,
                               capacity_minutes(staffed, dates, productivity), target_hours)


def cycle_from_capacity(orders_per_day: pd.Series, profile: pd.Series,
                        process_steps: pd.DataFrame, capacity: dict[str, np.ndarray],
                        target_hours: float) -> CycleTime:
    """:func:`cycle_time` with the capacity already in minutes per skill and slot
    (:func:`capacity_minutes` of the dates of :func:`week_dates`)."""
    return OrderFlow.of(orders_per_day, profile, process_steps, target_hours).cycle(capacity)


@dataclass(frozen=True)
class OrderFlow:
    """The orders of a week and the steps they pass, ready to be simulated under any capacity
    (:meth:`cycle`): what a search that tries many rosters on the same orders reads once.

    Attributes
    ----------
    dates:
        The week's dates (:func:`week_dates`): 24 hourly slots each.
    arrivals:
        Orders arriving in each slot (orders per day x intraday profile).
    steps:
        ``(step, minutes per order, skill)`` in process order.
    target_hours:
        The cycle target.
    """

    dates: tuple[dt.date, ...]
    arrivals: tuple[float, ...]
    steps: tuple[tuple[str, float, str], ...]
    target_hours: float

    @classmethod
    def of(cls, orders_per_day: pd.Series, profile: pd.Series, process_steps: pd.DataFrame,
           target_hours: float) -> OrderFlow:
        """The flow of ``orders_per_day`` spread by ``profile`` (share of a day's orders per
        hour 0..23) through ``process_steps`` (``step, minutes_per_order, skill``)."""
        dates = week_dates(orders_per_day)
        per_day = {pd.Timestamp(d).date(): float(v) for d, v in orders_per_day.items()}
        shares = profile.reindex(range(24), fill_value=0.0).to_numpy(dtype=float)
        arrivals = np.concatenate([per_day.get(d, 0.0) * shares for d in dates])
        steps = tuple((str(s.step), float(s.minutes_per_order), str(s.skill))
                      for s in process_steps.itertuples(index=False))
        return cls(tuple(dates), tuple(arrivals.tolist()), steps, target_hours)

    def cycle(self, capacity: dict[str, np.ndarray]) -> CycleTime:
        """The cycle under ``capacity``: minutes per skill in each slot of :attr:`dates`."""
        dates, steps, arrivals = list(self.dates), list(self.steps), self.arrivals
        n = len(dates) * 24
        floor_hours = sum(m for _, m, _ in steps) / 60

        queues: list[deque[list[float]]] = [deque() for _ in steps]
        held = [0.0] * len(steps)  # amount in each queue
        minutes_of = {skill: np.asarray(cap, dtype=float)[:n].tolist()
                      for skill, cap in capacity.items()}
        slot_capacity = [{skill: minutes[t] for skill, minutes in minutes_of.items()}
                         for t in range(n)]
        waiting = [0.0] * len(steps)
        backlog = [[False] * n for _ in steps]
        done: list[tuple[float, float]] = []  # (cycle hours, amount) of measured orders
        measured = range(WARM_UP_WEEKS * n, (WARM_UP_WEEKS + 1) * n)
        total_slots = (WARM_UP_WEEKS + 1 + TAIL_WEEKS) * n
        last = len(steps) - 1
        # A search simulates thousands of rosters, each 672 slots of five steps: serving is
        # written out here rather than called (a call per step and slot was a third of the
        # time on xlarge's week).
        for t in range(total_slots):
            arriving = arrivals[t % n]
            if arriving > _EPS:
                queues[0].append([t, arriving])
                held[0] += arriving
            pool = dict(slot_capacity[t % n])
            for k, (_, minutes, skill) in enumerate(steps):
                queue = queues[k]
                if not queue:
                    continue  # nothing to serve
                # Serve the queue first come, first served with the skill's free minutes;
                # a step that takes no time passes everything on.
                out: list[list[float]] = []
                moved = 0.0
                if minutes > 0:
                    free = pool.get(skill, 0.0)
                    if not free > _EPS:
                        continue  # no free minutes: nothing moves
                    while queue and free > _EPS:
                        cohort = queue[0]
                        amount = min(cohort[1], free / minutes)
                        free -= amount * minutes
                        out.append([cohort[0], amount])
                        moved += amount
                        cohort[1] -= amount
                        if cohort[1] <= _EPS:
                            queue.popleft()
                    if skill in pool:
                        pool[skill] = free
                else:
                    out.extend(queue)
                    queue.clear()
                    for cohort in out:
                        moved += cohort[1]
                held[k] = max(held[k] - moved, 0.0) if queue else 0.0
                if k < last:
                    queues[k + 1].extend(out)
                    held[k + 1] += moved
                else:
                    done.extend((max(t - a + 0.5, floor_hours), amount)
                                for a, amount in out if a in measured)
            if t in measured:
                for k in range(len(steps)):
                    waiting[k] += held[k]
                    backlog[k][t % n] = held[k] > _EPS
        arrived = float(np.sum(np.asarray(arrivals)))
        finished = float(sum(amount for _, amount in done))
        return _summary(done, arrived - finished, np.array(waiting), np.array(backlog, dtype=bool),
                        steps, dates, self.target_hours)


def _summary(done: list[tuple[float, float]], unfinished: float, waiting: np.ndarray,
             backlog: np.ndarray, steps: list[tuple[str, float, str]], dates: list[dt.date],
             target_hours: float) -> CycleTime:
    if done:
        hours = np.array([h for h, _ in done])
        amounts = np.array([a for _, a in done])
        total = amounts.sum() + max(unfinished, 0.0)
        mean = float((hours * amounts).sum() / amounts.sum())
        p90 = _weighted_quantile(hours, amounts, 0.9)
        within = float(amounts[hours <= target_hours + _EPS].sum() / total)
    else:
        mean = p90 = 0.0
        within = 0.0 if unfinished > 1e-6 else 1.0
    if unfinished > 1e-6:
        mean = p90 = float("inf")
    worst = int(np.argmax(waiting)) if len(steps) and waiting.max() > 1e-6 else None
    slots = tuple((dates[t // 24], t % 24) for t in map(int, np.flatnonzero(backlog[worst]))) \
        if worst is not None else ()
    return CycleTime(
        mean_hours=mean, p90_hours=p90, within_target=within, target_hours=target_hours,
        met=mean <= target_hours + _EPS,
        bottleneck_step=steps[worst][0] if worst is not None else None,
        bottleneck_skill=steps[worst][2] if worst is not None else None,
        bottleneck_hours=slots,
        waiting_order_hours={name: float(w) for (name, _, _), w in zip(steps, waiting,
                                                                       strict=True)},
        unfinished_orders=float(unfinished) if unfinished > 1e-6 else 0.0,
    )


def hour_ranges(slots: tuple[tuple[dt.date, int], ...]) -> list[str]:
    """Runs of consecutive slots as readable ranges: ``2026-11-23 17:00-20:00`` within a day,
    ``2026-11-23 20:00 - 2026-11-24 08:00`` across midnight."""
    out: list[str] = []
    run: list[dt.datetime] = []

    def flush() -> None:
        if run:
            first, last = run[0], run[-1] + dt.timedelta(hours=1)
            if first.date() == last.date() or last == dt.datetime.combine(
                    first.date() + dt.timedelta(days=1), dt.time()):
                end = "24:00" if last.date() != first.date() else f"{last:%H:%M}"
                out.append(f"{first:%Y-%m-%d %H:%M}-{end}")
            else:
                out.append(f"{first:%Y-%m-%d %H:%M} - {last:%Y-%m-%d %H:%M}")

    for day, hour in slots:
        when = dt.datetime.combine(day, dt.time(hour))
        if run and run[-1] + dt.timedelta(hours=1) == when:
            run.append(when)
        else:
            flush()
            run = [when]
    flush()
    return out
