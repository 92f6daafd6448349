"""The staff: employees with skills sized to the order handling, shifts and process steps."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.dataset.schema import MANUAL_PROCESS_STEPS
from salesflow.data.generator.labels import ids, unique_names
from salesflow.data.generator.words import FIRST_NAMES, LAST_NAMES

if TYPE_CHECKING:
    from salesflow.data.generator.sizes import SizeSpec


_HANDLING_SKILLS = ("sales_admin", "picker", "packer", "shipper")
_SKILLS = ("sales_admin", "picker", "packer", "shipper", "customer_service", "receiving")
_SKILL_WAGE = {"sales_admin": 24.0, "picker": 18.0, "packer": 18.0, "shipper": 19.5,
               "customer_service": 22.0, "receiving": 19.0}
_SECONDARY_SKILLS = {
    "sales_admin": ("customer_service", "shipper", "receiving"),
    "picker": ("packer", "receiving", "shipper"),
    "packer": ("picker", "shipper", "receiving"),
    "shipper": ("packer", "picker", "receiving", "sales_admin"),
}


_SHIFTS = (("early", "06:00", "14:00", 30), ("day", "08:00", "16:30", 30),
           ("late", "12:00", "20:00", 30), ("short", "09:00", "13:00", 0))


def _quota(n: int, weights: np.ndarray) -> np.ndarray:
    """Whole counts summing to ``n`` in proportion to ``weights`` (largest remainder)."""
    exact = n * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    remainder = exact - counts
    counts[np.argsort(-remainder, kind="stable")[: n - counts.sum()]] += 1
    return counts


def _handling_minutes() -> dict[str, float]:
    """Minutes per order of each order-handling skill (the manual's steps)."""
    minutes = {skill: 0.0 for skill in _HANDLING_SKILLS}
    for _, step_minutes, skill in MANUAL_PROCESS_STEPS:
        minutes[skill] += step_minutes
    return minutes


def _skill_sets(max_hours: np.ndarray, rng: np.random.Generator) -> list[set[str]]:
    """1-3 skills each: a handling skill in proportion to its minutes, plus related ones;
    every skill is held by several people, and every handling skill by people with 1.25 times
    its share of the staff's hours."""
    n = len(max_hours)
    minutes = _handling_minutes()
    counts = _quota(n, np.array([minutes[s] for s in _HANDLING_SKILLS]))
    primary = rng.permutation(np.repeat(np.array(_HANDLING_SKILLS), counts))
    skills = []
    for main in primary:
        extra = rng.choice(3, p=[0.3, 0.45, 0.25])
        pool = _SECONDARY_SKILLS[str(main)]
        chosen = rng.choice(len(pool), min(extra, len(pool)), replace=False)
        skills.append({str(main), *(pool[k] for k in chosen)})
    least = 2 if n <= 10 else max(3, n // 10)
    total = max_hours.sum()
    for skill in _SKILLS:
        share = minutes.get(skill, 0.0) / sum(minutes.values())
        _add_holders(skills, skill, max_hours, least, 1.25 * share * total, rng)
    return skills


def _add_holders(skills: list[set[str]], skill: str, max_hours: np.ndarray, least: int,
                 hours: float, rng: np.random.Generator) -> None:
    """Teach ``skill`` to more people until at least ``least`` of them, with at least
    ``hours`` of weekly maximum hours together, hold it (nobody gets more than 3 skills)."""
    holders = [skill in person for person in skills]
    for person in rng.permutation(len(skills)):
        if sum(holders) >= least and max_hours[holders].sum() >= hours:
            return
        if not holders[person] and len(skills[person]) < 3:
            skills[person].add(skill)
            holders[person] = True


def _unavailable(n: int, history_end: dt.date, rng: np.random.Generator) -> list[str]:
    """A few days off in the week after the history for about a quarter of the staff."""
    cells = []
    for person in range(n):
        if rng.random() >= 0.25 and person != 0:  # the first person always has some
            cells.append("")
            continue
        first = int(rng.integers(1, 6))
        days = [history_end + dt.timedelta(days=first + k) for k in range(rng.integers(1, 4))]
        cells.append(";".join(day.isoformat() for day in days))
    return cells


def employees_table(spec: SizeSpec, history_end: dt.date,
                    rng: np.random.Generator) -> pd.DataFrame:
    n = spec.n_employees
    full_time = rng.permutation(np.arange(n) < round(0.6 * n))
    max_hours = np.where(full_time, 40, 30)
    skills = _skill_sets(max_hours, rng)
    main_wage = np.array([max(_SKILL_WAGE[s] for s in person) for person in skills])
    extra = np.array([len(person) - 1 for person in skills])
    wage = np.clip(main_wage + 1.2 * extra + rng.normal(0, 1.5, n), 16.0, 32.0)
    return pd.DataFrame({
        "employee_id": ids("E", n, max(3, len(str(n)))),
        "name": unique_names(n, (FIRST_NAMES, LAST_NAMES), rng),
        "skills": [";".join(s for s in _SKILLS if s in person) for person in skills],
        "hourly_cost": np.round(wage, 2),
        "min_hours_week": np.where(full_time, 32, 20),
        "max_hours_week": max_hours,
        "unavailable": _unavailable(n, history_end, rng),
    })


def shifts_table() -> pd.DataFrame:
    return pd.DataFrame(_SHIFTS, columns=["shift_id", "start", "end", "break_minutes"])


def process_steps_table() -> pd.DataFrame:
    frame = pd.DataFrame(MANUAL_PROCESS_STEPS, columns=["step", "minutes_per_order", "skill"])
    frame["minutes_per_order"] = frame["minutes_per_order"].astype(np.int64)
    return frame
