"""The report's section on what the order-cycle target needs (issue 14): the sentence, the
added hours per skill and weekday, and the added shifts with who works them.

Takes the plain figures of the advice (``kpis.json``'s ``staffing.cycle_target``, or a what-if
plan's ``what_if``); draws only. Every name from the data goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
from typing import Any

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TITLE = "What the order-cycle target needs"


def _hours_table(figures: dict[str, Any]) -> str:
    days = [d for d in WEEKDAYS if any(d in s["weekdays"] for s in figures["by_skill"])]
    head = "".join(f"<th>{d}</th>" for d in days)
    rows = []
    for s in figures["by_skill"]:
        cells = "".join(f"<td>{s['weekdays'][d]:g}</td>" if d in s["weekdays"] else "<td></td>"
                        for d in days)
        steps = html.escape(", ".join(s["steps"])) or "-"
        rows.append(f"<tr><td>{html.escape(s['skill'])}</td><td>{steps}</td>{cells}"
                    f"<td>{s['hours']:g}</td><td>{s['cost']:,.2f}</td></tr>")
    return (f"<table><tr><th>skill</th><th>steps waiting</th>{head}<th>hours</th>"
            f"<th>cost</th></tr>{''.join(rows)}</table>")


def _shifts_table(figures: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(s['date'])} {s['weekday']}</td><td>{html.escape(s['shift_id'])}"
        f"</td><td>{html.escape(s['skill'])}</td><td>{html.escape(s['employee_id'])}</td>"
        f"<td>{'today' if s['existing'] else 'extra'}</td><td>{s['paid_hours']:g}</td>"
        f"<td>{s['hourly_cost']:,.2f}</td><td>{s['cost']:,.2f}</td></tr>"
        for s in figures["shifts"])
    return ("<table><tr><th>day</th><th>shift</th><th>skill</th><th>who</th><th>staff</th>"
            f"<th>paid h</th><th>rate</th><th>cost</th></tr>{rows}</table>")


def cycle_target_section(figures: dict[str, Any]) -> str:
    """The section's HTML: the sentence, then (when shifts are added) the hours per skill
    and weekday and the shifts."""
    parts = [f"<p>{html.escape(figures['sentence'])}</p>"]
    if figures["shifts"]:
        rates = ", ".join(f"{html.escape(k)} {v:,.2f}" for k, v in figures["hire_rates"].items())
        parts += [_hours_table(figures), _shifts_table(figures),
                  "<p class='note'>Found by a search over added shifts judged by the cycle "
                  "model: greedy by waiting removed per unit of cost, then every shift not "
                  "needed dropped and each one left replaced by a cheaper one where the target "
                  f"holds ({figures['evaluations']:,} simulations, ended: "
                  f"{html.escape(figures['stopped_by'])}). An extra person costs the "
                  f"median hourly cost of the skill's holders ({rates}); today's staff take an "
                  "added shift at their own rate when their contract and the roster's rules "
                  "leave room and that is cheaper.</p>"]
    return "".join(parts)


def cycle_target_sections(figures: dict[str, Any] | None) -> list[tuple[str, str]]:
    """``[(title, html)]`` for the report, empty without figures."""
    return [] if not figures else [(TITLE, cycle_target_section(figures))]
