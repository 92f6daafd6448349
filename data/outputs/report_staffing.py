"""The report's section on what the order-cycle target needs (issue 14): the sentence, the
added hours per skill and weekday, and the added shifts with who works them.

Takes the plain figures of the advice (``kpis.json``'s ``staffing.cycle_target``, or a what-if
plan's ``what_if``); draws only, in the reader's language (the figures' English ``sentence``
stays for scripts; the sentence here is worded from the same figures). Every name from the
data goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
from typing import Any

from salesflow.data.i18n import N_, _, format_number, language, ngettext
from salesflow.data.i18n.terms import format_kpi_value, skill_label, step_label

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TITLE = N_("What the order-cycle target needs")
STOPPED = {
    "target met": N_("target met"),
    "no added shift shortens the cycle": N_("no added shift shortens the cycle"),
    "time limit": N_("time limit"),
    "work limit": N_("work limit"),
    "staffing alone cannot meet the target": N_("staffing alone cannot meet the target"),
    "target already met": N_("target already met"),
    "no orders forecast": N_("no orders forecast"),
}
"""Why the search for added shifts ended (the advice's ``stopped_by``), in words."""


def weekday_name(code: str) -> str:
    """``"Mon"`` → the abbreviated weekday in the reader's language."""
    from babel.dates import get_day_names

    if code not in WEEKDAYS:
        return code
    return str(get_day_names("abbreviated", locale=language())[WEEKDAYS.index(code)])


def _hours(value: float | None) -> str:
    return format_number(value or 0.0, 1)


def _stopped(figures: dict[str, Any]) -> str:
    code = str(figures["stopped_by"])
    return _(STOPPED[code]) if code in STOPPED else code


def _steps(steps: list[str]) -> str:
    return _(", ").join(step_label(s) for s in steps)


def advice_text(figures: dict[str, Any]) -> str:
    """The advice's sentence in the reader's language, from its figures."""
    target = float(figures["target_hours"])
    goal = format_kpi_value("order_cycle_days", target / 24)
    now = figures["cycle_before_hours"]
    now_text = _("never finishes") if now is None else _("{hours} h").format(hours=_hours(now))
    stopped = figures["stopped_by"]
    if stopped == "no orders forecast":
        return _("An order processing cycle of {goal} is not meaningful (no orders "
                 "forecast): nothing to add.").format(goal=goal)
    if stopped == "target already met":
        return _("An order processing cycle of {goal} is met by today's staff (mean "
                 "{hours} h).").format(goal=goal, hours=_hours(now))
    if stopped == "staffing alone cannot meet the target":
        floor = figures["floor_hours"]
        still = _("orders still never finish") if floor is None else _(
            "the mean cycle is still {hours} h").format(hours=_hours(floor))
        return _("Staffing alone cannot meet an order processing cycle of {goal}: with every "
                 "hour of every shift type fully staffed {still} (the steps' own time and "
                 "orders arriving when no shift runs bound it); today: {now}.").format(
            goal=goal, still=still, now=now_text)
    if not figures["shifts"]:
        return _("The search for an order processing cycle of {goal} ended ({stopped}) "
                 "before it found a shift to add; today: {now}. A longer --time-limit gives it "
                 "more room.").format(goal=goal, stopped=_stopped(figures), now=now_text)
    parts = []
    for s in figures["by_skill"]:
        days = _(", ").join(weekday_name(d) for d in s["weekdays"])
        text = _("{skill} +{hours} h on {days}").format(
            skill=skill_label(s["skill"]), hours=_hours(s["hours"]), days=days)
        if s["steps"]:
            text += _(" (waiting at {steps})").format(steps=_steps(s["steps"]))
        parts.append(text)
    who = []
    if figures["extra_people"]:
        who.append(ngettext("{hours} h by {people} extra person at {cost}",
                            "{hours} h by {people} extra people at {cost}",
                            figures["extra_people"]).format(
            hours=_hours(figures["extra_hours"]), people=figures["extra_people"],
            cost=format_number(figures["extra_cost"], 2)))
    if figures["existing_hours"]:
        who.append(_("{hours} h by today's staff within their contracts at {cost}").format(
            hours=_hours(figures["existing_hours"]),
            cost=format_number(figures["existing_cost"], 2)))
    text = _("An order processing cycle of {goal} needs +{hours} h a week: {parts}; {cost} a "
             "week ({who}).").format(goal=goal, hours=_hours(figures["added_hours"]),
                                     parts=_("; ").join(parts),
                                     cost=format_number(figures["added_cost"], 2),
                                     who=_("; ").join(who))
    after = figures["cycle_after_hours"]
    if figures["met"]:
        return text + " " + _("Mean cycle then {after} h (today: {now}).").format(
            after=_hours(after), now=now_text)
    return text + " " + _("The search ended ({stopped}) at a mean cycle of {after}, {short} h "
                          "over the target.").format(
        stopped=_stopped(figures),
        after=_("never finishing") if after is None else _("{hours} h").format(
            hours=_hours(after)),
        short=_hours(figures["short_by_hours"]))


def _hours_table(figures: dict[str, Any]) -> str:
    days = [d for d in WEEKDAYS if any(d in s["weekdays"] for s in figures["by_skill"])]
    head = "".join(f"<th>{html.escape(weekday_name(d))}</th>" for d in days)
    rows = []
    for s in figures["by_skill"]:
        cells = "".join(f"<td>{_hours(s['weekdays'][d])}</td>" if d in s["weekdays"]
                        else "<td></td>" for d in days)
        steps = html.escape(_steps(s["steps"])) or "—"
        rows.append(f"<tr><td>{html.escape(skill_label(s['skill']))}</td><td>{steps}</td>"
                    f"{cells}<td>{_hours(s['hours'])}</td>"
                    f"<td>{format_number(s['cost'], 2)}</td></tr>")
    heads = [_("skill"), _("steps waiting")]
    return (f"<table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in heads)}{head}"
            f"<th>{html.escape(_('hours'))}</th><th>{html.escape(_('cost'))}</th></tr>"
            f"{''.join(rows)}</table>")


def _shifts_table(figures: dict[str, Any]) -> str:
    import datetime as dt

    from salesflow.data.i18n import format_date

    rows = "".join(
        f"<tr><td>{html.escape(format_date(dt.date.fromisoformat(s['date'])))} "
        f"{html.escape(weekday_name(s['weekday']))}</td><td>{html.escape(s['shift_id'])}"
        f"</td><td>{html.escape(skill_label(s['skill']))}</td>"
        f"<td>{html.escape(s['employee_id'])}</td>"
        f"<td>{html.escape(_('today') if s['existing'] else _('extra'))}</td>"
        f"<td>{_hours(s['paid_hours'])}</td><td>{format_number(s['hourly_cost'], 2)}</td>"
        f"<td>{format_number(s['cost'], 2)}</td></tr>"
        for s in figures["shifts"])
    heads = [_("day"), _("shift"), _("skill"), _("who"), _("staff"), _("paid hours"),
             _("rate"), _("cost")]
    return (f"<table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in heads)}</tr>"
            f"{rows}</table>")


def cycle_target_section(figures: dict[str, Any]) -> str:
    """The section's HTML: the sentence, then (when shifts are added) the hours per skill
    and weekday and the shifts."""
    parts = [f"<p>{html.escape(advice_text(figures))}</p>"]
    if figures["shifts"]:
        rates = _(", ").join(f"{skill_label(k)} {format_number(v, 2)}"
                             for k, v in figures["hire_rates"].items())
        note = _("Found by a search over added shifts judged by the cycle model: greedy by "
                 "waiting removed per unit of cost, then every shift not needed dropped and "
                 "each one left replaced by a cheaper one where the target holds ({runs} "
                 "simulations, ended: {stopped}). An extra person costs the median hourly "
                 "cost of the skill's holders ({rates}); today's staff take an added shift at "
                 "their own rate when their contract and the roster's rules leave room and "
                 "that is cheaper.").format(runs=format_number(figures["evaluations"]),
                                            stopped=_stopped(figures), rates=rates)
        parts += [_hours_table(figures), _shifts_table(figures),
                  f"<p class='note'>{html.escape(note)}</p>"]
    return "".join(parts)


def cycle_target_sections(figures: dict[str, Any] | None) -> list[tuple[str, str]]:
    """``[(title, html)]`` for the report, empty without figures."""
    return [] if not figures else [(_(TITLE), cycle_target_section(figures))]
