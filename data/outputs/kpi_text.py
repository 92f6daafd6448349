"""The seven KPIs' rows in words, in the reader's language: status, how each is measured,
baseline, plan and target values with their units, and the company's baseline rule named.

``kpis.json`` stays English and machine-readable: each target row carries a stable
``status_code`` with ``status_params`` and the ``note_params`` of its note (see
:mod:`salesflow.optimizer.kpis`); the report and the terminal word them here, so that both
say the same. A row stored before those codes existed shows its English ``status`` and
``note`` as they are.
"""

from __future__ import annotations

from typing import Any

from salesflow.data.i18n import N_, _, format_number, format_percent
from salesflow.data.i18n.terms import format_kpi_value, kpi_label, step_label

RULE_NAMES = {"min_max": N_("min/max"), "eoq_reorder_point": N_("EOQ with reorder point"),
              "lot_for_lot": N_("lot-for-lot")}
"""The purchasing rules (``config.toml`` ``[baseline] rule``) in words."""

STATUS_TEXTS = {
    "met": N_("met"),
    "missed": N_("missed"),
    "not_planned": N_("not planned because {why}"),
    "no_orders": N_("not meaningful: no orders forecast"),
    "no_demand": N_("not meaningful: no demand forecast"),
    "no_deliveries": N_("not meaningful: no orders to deliver"),
    "no_stock": N_("not meaningful: the plan holds no stock"),
    "baseline_costs_nothing": N_("not meaningful: the baseline's net cost is {net_cost}, "
                                 "nothing to save on this forecast"),
    "queue_never_clears": N_("no value: the roster never clears the queue (cycle over 14 "
                             "days, {orders} orders still waiting at {step} two weeks after "
                             "the plan week)"),
    "no_cycle": N_("no value: no cycle measured"),
    "no_target": N_("no target"),
    "not_computed": N_("not computed"),
}
"""A target row's ``status_code`` in words (placeholders from its ``status_params``)."""

PARTS = {"labour": N_("labour"), "logistics": N_("logistics")}
TARGET_HEADERS = (N_("KPI"), N_("baseline"), N_("plan"), N_("target"), N_("status"),
                  N_("how it is measured"))
"""The columns of the targets table (report and terminal)."""
HIGHER_IS_BETTER = {"inventory_turnover_per_month", "on_time_delivery_rate", "fill_rate"}

NOTES = {
    "procurement_cost_change": N_(
        "the plan's purchase + ordering + holding + shortage cost over the {weeks}-week "
        "horizon, net of the change in stock value, against {rule} on the same forecast"),
    "inventory_turnover_per_month": N_(
        "projected over the {weeks}-week horizon: cost of goods sold ÷ average stock value "
        "÷ months"),
    "order_cycle_days": N_("mean hours from order to shipped under the roster ÷ 24"),
    "on_time_delivery_rate": N_(
        "planned orders delivered inside their window ÷ orders to deliver"),
    "logistics_cost_per_order": N_(
        "route cost ÷ orders delivered; target: below the nearest-neighbour routes "
        "(baseline)"),
    "unit_order_operating_cost": N_(
        "(labour + logistics + ordering + holding) ÷ orders; target: below the baselines"),
    "fill_rate": N_(
        "projected demand met from stock ÷ demand over the {weeks}-week horizon, against the "
        "demand-weighted service level"),
}
"""How each KPI is measured (placeholders from the row's ``note_params``)."""


def rule_label(described: str) -> str:
    """A rule as :meth:`BaselineRule.describe` writes it (``"min_max"``,
    ``"eoq_reorder_point (min_cover_weeks=1.0)"``) in words; changed parameters keep their
    ``config.toml`` names."""
    name, _sep, rest = described.partition(" ")
    words = _(RULE_NAMES[name]) if name in RULE_NAMES else name
    return f"{words} {rest}" if rest else words


def baseline_rule_named(described: str) -> str:
    """``"min/max (the company's current rule, config.toml [baseline])"``."""
    return _("{rule} (the company's current rule, config.toml [baseline])").format(
        rule=rule_label(described))


def _step(step: str | None) -> str:
    return step_label(step) if step else _("a step")


def status_text(row: dict[str, Any]) -> str:
    """The row's status in words (met, missed, not planned because ..., or why the value is
    missing)."""
    code = row.get("status_code")
    if code not in STATUS_TEXTS:
        met = row.get("met")
        return str(row.get("status") or (_("met") if met is True else _("missed")
                                         if met is False else _("not computed")))
    params = dict(row.get("status_params") or {})
    if code == "not_computed" and params.get("text"):
        return str(params["text"])
    if code == "baseline_costs_nothing":
        params["net_cost"] = format_number(params.get("net_cost", 0.0), 2)
    if code == "queue_never_clears":
        params = {"orders": format_number(params.get("orders", 0.0)),
                  "step": _step(params.get("step"))}
    text = _(STATUS_TEXTS[code]).format(**params)
    if params.get("without") and code in ("met", "missed"):
        parts = _(", ").join(_(PARTS[p]) if p in PARTS else p for p in params["without"])
        text = _("{status} (without {parts}: not planned)").format(status=text, parts=parts)
    return text


def status_class(row: dict[str, Any]) -> str:
    """``met``, ``missed`` or ``open`` (no value to judge) for styling."""
    met = row.get("met")
    return "met" if met is True else "missed" if met is False else "open"


def note_text(row: dict[str, Any]) -> str:
    """How the KPI is measured, with what it leaves out and what stands beside it."""
    params = row.get("note_params")
    kpi = str(row["kpi"])
    if params is None or kpi not in NOTES:
        return str(row.get("note", ""))
    parts = [_(NOTES[kpi]).format(weeks=params.get("weeks", ""),
                                  rule=baseline_rule_named(str(params.get("rule", ""))))]
    if params.get("rules_broken"):
        parts.append(_("the company's rule breaks {count} hard rules").format(
            count=format_number(params["rules_broken"])))
    cheapest = params.get("cheapest")
    if cheapest:
        change = cheapest.get("change")
        parts.append(_("cheapest rule of the week: {rule} (plan {change} against it)").format(
            rule=rule_label(cheapest["policy"]),
            change="—" if change is None else format_percent(change, 2, signed=True)))
    if params.get("bottleneck"):
        parts.append(_("bottleneck: {step}").format(step=_step(params["bottleneck"])))
    baseline = params.get("baseline")
    if baseline and baseline.get("code") == "queue_never_clears":
        parts.append(_("baseline: the fixed roster never clears the queue ({orders} orders "
                       "still waiting at {step} two weeks after the plan week)").format(
            orders=format_number(baseline.get("orders", 0.0)),
            step=_step(baseline.get("step"))))
    for what, why in params.get("left_out") or ():
        parts.append(_("{part} left out ({why})").format(
            part=_(PARTS[what]) if what in PARTS else what, why=why))
    return _("; ").join(parts)


def value_text(kpi: str, value: float | None) -> str:
    """A KPI value with its unit; an em dash when there is none (the status says why)."""
    return format_kpi_value(kpi, value)


def baseline_text(row: dict[str, Any]) -> str:
    """The baseline's value, or why it has none (``"> 14 days"``)."""
    if row.get("baseline") is None and row.get("baseline_why"):
        return _("over 14 days") if row["baseline_why"] == "> 14 days" \
            else str(row["baseline_why"])
    return value_text(str(row["kpi"]), row.get("baseline"))


def target_text(row: dict[str, Any]) -> str:
    """The target with its direction (``"≤ -5.00 %"``, ``"≥ 4.00 times per month"``)."""
    kpi, target = str(row["kpi"]), row.get("target")
    if target is None:
        return "—"
    sign = "≥" if kpi in HIGHER_IS_BETTER else "≤"
    return f"{sign} {value_text(kpi, target)}"


def kpi_cells(row: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    """KPI name, baseline, plan, target, status and how, in words, for one target row
    (``plan`` is the row's ``value``, or ``plan`` as the report's rows name it)."""
    kpi = str(row["kpi"])
    plan = row.get("value", row.get("plan"))
    return (kpi_label(kpi), baseline_text(row), value_text(kpi, plan), target_text(row),
            status_text(row), note_text(row))


def percent(value: float | None, digits: int = 2, signed: bool = False) -> str:
    """A fraction as a percentage in the reader's locale, an em dash for none."""
    return "—" if value is None else format_percent(value, digits, signed=signed)
