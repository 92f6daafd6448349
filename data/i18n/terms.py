"""The manual's terms: the seven KPIs with their units, the order-handling steps and the staff
skills, named in words in the reader's language (the manual's own terms: 訂單處理周期,
庫存周轉率, 單位訂單運營成本 ...). Every output that names a KPI, a step or a skill takes the
name from here, so that the report, the workbook, the terminal and ``plans diff`` agree."""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.data.i18n import N_, _, format_number, format_percent


@dataclass(frozen=True)
class KpiTerm:
    """How one KPI is named and shown: ``label`` and ``unit`` are untranslated source texts
    (translate with ``_``); ``kind`` is ``"percent"`` (a fraction shown as %), ``"days"``,
    ``"per_month"`` or ``"money"``; ``digits`` the decimals shown."""

    kpi: str
    label: str
    unit: str
    kind: str
    digits: int


KPI_TERMS: dict[str, KpiTerm] = {t.kpi: t for t in (
    KpiTerm("procurement_cost_change", N_("Procurement cost change"), "%", "percent", 2),
    KpiTerm("inventory_turnover_per_month", N_("Inventory turnover"), N_("times per month"),
            "per_month", 2),
    KpiTerm("order_cycle_days", N_("Order processing cycle"), N_("days"), "days", 2),
    KpiTerm("on_time_delivery_rate", N_("On-time delivery rate"), "%", "percent", 1),
    KpiTerm("logistics_cost_per_order", N_("Logistics cost per order"), N_("per order"),
            "money", 2),
    KpiTerm("unit_order_operating_cost", N_("Unit order operating cost"), N_("per order"),
            "money", 2),
    KpiTerm("fill_rate", N_("Fill rate"), "%", "percent", 1),
)}
"""The seven KPIs of the plan, in the order every output lists them."""

STEP_TERMS: dict[str, str] = {
    "receive_order": N_("Receive order"),
    "review_confirm": N_("Review and confirm"),
    "allocate_pick": N_("Allocate stock and pick"),
    "pack_qc": N_("Pack and quality check"),
    "consolidate_ship": N_("Consolidate and ship"),
    "delivery": N_("Delivery"),
    "customer_sign_off": N_("Customer sign-off"),
}
"""The manual's order-handling steps (2.1) by the ids the staffing data uses."""

SKILL_TERMS: dict[str, str] = {
    "sales_admin": N_("Sales administration"),
    "picker": N_("Picking"),
    "packer": N_("Packing"),
    "shipper": N_("Shipping"),
    "customer_service": N_("Customer service"),
}
"""The staff skills of the sample and generated data by id."""


def kpi_label(kpi: str) -> str:
    """The KPI named in words in the current language (the id itself when unknown)."""
    term = KPI_TERMS.get(kpi)
    return _(term.label) if term else kpi


def kpi_unit(kpi: str) -> str:
    """The KPI's unit in the current language (``"%"``, ``"days"``, ``"times per month"``)."""
    term = KPI_TERMS.get(kpi)
    return _(term.unit) if term else ""


def format_kpi_value(kpi: str, value: float | None, signed: bool = False) -> str:
    """A KPI value with its unit (``"-2.05 %"``, ``"1.43 days"``, ``"3.10 times per month"``);
    ``None`` → an em dash (the caller states why the value is missing)."""
    if value is None:
        return "—"
    term = KPI_TERMS.get(kpi)
    if term is None:
        return format_number(value, 2)
    if term.kind == "percent":
        return format_percent(value, term.digits, signed=signed)
    text = format_number(value, term.digits)
    if signed and value > 0:
        text = "+" + text
    return f"{text} {_(term.unit)}"


def step_label(step: str) -> str:
    """An order-handling step in words (the id itself when unknown)."""
    return _(STEP_TERMS[step]) if step in STEP_TERMS else step


def skill_label(skill: str) -> str:
    """A staff skill in words (the id itself when the data has its own skills)."""
    return _(SKILL_TERMS[skill]) if skill in SKILL_TERMS else skill
