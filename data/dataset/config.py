"""``config.toml``: the planning settings of a dataset, parsed into frozen dataclasses.

Every key is optional; a missing key takes the default below, an unknown key or a value of the
wrong type or out of bounds is reported as a :class:`~salesflow.data.errors.Problem` naming the
file, the key and the value. :func:`default_config_toml` writes a commented file with all keys.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import typing
from dataclasses import dataclass, field, fields
from typing import Any

from salesflow.data.dataset.schema import WEEKDAYS
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import N_, _

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_iso_week(text: str) -> dt.date:
    """Return the Monday of an ISO week written ``YYYY-Www``.

    Raises
    ------
    ValueError
        If the text is not an ISO week.
    """
    match = _ISO_WEEK.match(text.strip())
    if not match:
        raise ValueError(_("must be an ISO week like 2026-W48; got {value}").format(
            value=repr(text)))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(_("{value} is not a week of {year}").format(
            value=repr(text), year=year)) from None


def iso_week(day: dt.date) -> str:
    """``YYYY-Www`` of the ISO week containing ``day``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _spec(default: Any, doc: str, **bounds: Any) -> Any:
    return field(default=default, metadata={"doc": doc, **bounds})


@dataclass(frozen=True)
class PlanningSection:
    week: str = _spec("", "ISO week to plan (YYYY-Www); empty = the week after the last sale")
    horizon_weeks: int = _spec(12, "weeks forecast and planned ahead", min=1, max=104)
    seed: int = _spec(0, "random seed of every solver and model", min=0)


@dataclass(frozen=True)
class DataSection:
    """``[data]``: how fresh the dataset must be for the week planned (see
    :mod:`salesflow.data.dataset.freshness`)."""

    max_days_since_last_sale: int = _spec(
        7, "the plan week must start at most this many days after the last sale; later is "
        "refused unless --allow-stale", min=1, max=3660)


@dataclass(frozen=True)
class ForecastSection:
    season_length: int = _spec(52, "weeks in one season of the weekly demand", min=1, max=104)
    quantiles: tuple[float, ...] = _spec((0.1, 0.5, 0.9), "forecast quantile levels",
                                         min=0, max=1, exclusive=True)


@dataclass(frozen=True)
class PurchasingSection:
    holding_rate: float = _spec(0.25, "yearly holding cost / unit cost for SKUs without one",
                                min=0, max=10)
    shortage_penalty: float = _spec(5.0, "cost per unit short per week (backorder)", min=0)


@dataclass(frozen=True)
class ServiceLevelSection:
    A: float = _spec(0.98, "target fill rate of A items", min=0, max=1, exclusive=True)
    B: float = _spec(0.95, "target fill rate of B items", min=0, max=1, exclusive=True)
    C: float = _spec(0.90, "target fill rate of C items", min=0, max=1, exclusive=True)
    abc_cutoffs: tuple[float, ...] = _spec((0.8, 0.95),
                                           "cumulative revenue shares closing classes A and B",
                                           min=0, max=1, exclusive=True)


@dataclass(frozen=True)
class RoutingSection:
    circuity_factor: float = _spec(1.3, "road km / straight-line km", min=1, max=5)
    average_speed_kmh: float = _spec(30.0, "average road speed", min=1, max=200)
    delivery_weekdays: tuple[str, ...] = _spec(("Mon", "Tue", "Wed", "Thu", "Fri"),
                                               "weekdays with deliveries", choices=WEEKDAYS)
    max_route_minutes: int = _spec(0, "longest route in minutes (0 = the vehicle's shift)",
                                   min=0, max=1440)


@dataclass(frozen=True)
class StaffingSection:
    productivity: float = _spec(0.85, "share of paid time spent on order handling",
                                min=0, max=1, exclusive_min=True)
    order_hours: tuple[int, ...] = _spec((8, 18),
                                         "opening hours [first, last) when sales has no order_time",
                                         min=0, max=24)
    receiving_minutes_per_line: float = _spec(15.0, "minutes to receive one purchase line", min=0)
    contacts_per_order: float = _spec(0.25, "customer-service contacts per order", min=0)
    handle_seconds: float = _spec(300.0, "average handle time of a contact, seconds", min=1)
    service_level_target: float = _spec(0.8, "share of contacts answered within answer_seconds",
                                        min=0, max=1, exclusive=True)
    answer_seconds: float = _spec(20.0, "answer-time target of the service level, seconds",
                                  min=0)


@dataclass(frozen=True)
class SolverSection:
    time_limit_seconds: float = _spec(60.0, "time limit of each solver call", min=0.1,
                                      max=86400)
    workers: int = _spec(2, "solver threads / processes", min=1, max=64)


@dataclass(frozen=True)
class TargetsSection:
    procurement_cost_change: float = _spec(-0.05, "purchase+order+holding cost vs baseline",
                                           min=-1, max=1)
    inventory_turnover_per_month: float = _spec(4.0, "cost of goods sold / average stock value",
                                                min=0)
    order_cycle_days: float = _spec(1.0, "order received to shipped", min=0)
    on_time_delivery_rate: float = _spec(0.95, "deliveries inside their window", min=0, max=1)
    turnover_mode: str = _spec("report", "how the purchase plan pursues the turnover target: "
                               "report (only measured), hard (average stock value at most "
                               "projected cost of goods sold / target) or priced (stock value "
                               "above that limit costs turnover_penalty_per_unit_value)",
                               choices=("report", "hard", "priced"))
    turnover_penalty_per_unit_value: float = _spec(
        0.01, "priced mode: cost per currency unit of stock value above the limit, per week",
        min=0, max=100)


BASELINE_RULES = ("min_max", "eoq_reorder_point", "lot_for_lot")


@dataclass(frozen=True)
class BaselineSection:
    """``[baseline]``: the company's current purchasing rule, the "before" of every
    procurement KPI, kept the same in every week."""

    rule: str = _spec("min_max", "the company's current rule: min_max, eoq_reorder_point or "
                      "lot_for_lot", choices=BASELINE_RULES)
    safety_stock: bool = _spec(True, "min_max / eoq_reorder_point keep the forecast's safety "
                               "stock (lot_for_lot never does)")
    min_cover_weeks: float = _spec(0.0, "min_max minimum and eoq_reorder_point reorder point: "
                                   "safety stock + this many weeks of mean demand", min=0,
                                   max=52)
    max_cover_weeks: float = _spec(0.0, "min_max maximum: the minimum + this many weeks of mean "
                                   "demand (0 = the minimum + the economic order quantity)",
                                   min=0, max=52)


REPORT_LANGUAGES = ("", "en", "zh-TW")
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@dataclass(frozen=True)
class ReportSection:
    """``[report]``: how the plan's human outputs (report, workbook, route map, run sheets and
    the terminal summaries) are written. Files that scripts read (CSV, JSON) keep English
    column names in every language."""

    language: str = _spec("", "en or zh-TW (the --lang option overrides it); empty = the locale "
                          "of the environment (LC_ALL / LC_MESSAGES / LANG), else English",
                          choices=REPORT_LANGUAGES)
    map_tiles: str = _spec(OSM_TILES, "base map tiles of the route map ({z}/{x}/{y} URL "
                           "template) when a browser is online; off = no base map")
    map_attribution: str = _spec("© OpenStreetMap contributors",
                                 "attribution shown with the base map tiles")


@dataclass(frozen=True)
class ImportSection:
    """``[import]``: the defaults ``salesflow import`` assumed for master data the exports did
    not have (the same keys as :class:`salesflow.data.importing.ImportDefaults`). Planning
    does not read them: the values assumed are in the tables, each listed in
    ``assumptions.csv``; they are here so that the dataset says which defaults it was made
    with and a re-import can take them back (``--config config.toml``)."""

    margin: float = _spec(0.30, "gross margin assumed to derive unit_cost from the selling "
                          "price", min=0, max=1, exclusive_max=True)
    lead_time_days: int = _spec(7, "supplier lead time in days", min=0)
    order_cost: float = _spec(50.0, "fixed cost of one purchase order", min=0)
    holding_rate: float = _spec(0.25, "yearly holding cost / unit cost", min=0, max=10)
    pack_size: int = _spec(1, "units per pack", min=1)
    moq: int = _spec(1, "minimum order quantity in units", min=0)
    unit_volume_m3: float = _spec(0.001, "volume of one unit", min=0)
    unit_weight_kg: float = _spec(0.5, "weight of one unit", min=0)
    unit_cost: float = _spec(1.0, "unit cost of a SKU sold without any price", min=0)
    category: str = _spec("unassigned", "category of a SKU the exports give none")
    unknown_customer: str = _spec("UNKNOWN", "customer_id of sales lines without one")


def section_name(field_name: str) -> str:
    """The ``config.toml`` section of a :class:`PlanningConfig` field (``import_`` is
    ``[import]``: ``import`` is a Python keyword)."""
    return field_name.rstrip("_")


@dataclass(frozen=True)
class PlanningConfig:
    """All settings of ``config.toml``."""

    planning: PlanningSection = field(default_factory=PlanningSection)
    data: DataSection = field(default_factory=DataSection)
    forecast: ForecastSection = field(default_factory=ForecastSection)
    purchasing: PurchasingSection = field(default_factory=PurchasingSection)
    service_levels: ServiceLevelSection = field(default_factory=ServiceLevelSection)
    routing: RoutingSection = field(default_factory=RoutingSection)
    staffing: StaffingSection = field(default_factory=StaffingSection)
    solver: SolverSection = field(default_factory=SolverSection)
    targets: TargetsSection = field(default_factory=TargetsSection)
    baseline: BaselineSection = field(default_factory=BaselineSection)
    report: ReportSection = field(default_factory=ReportSection)
    import_: ImportSection = field(default_factory=ImportSection)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for section in fields(self):
            values = getattr(self, section.name)
            out[section_name(section.name)] = {
                f.name: list(v) if isinstance(v := getattr(values, f.name), tuple) else v
                for f in fields(values)
            }
        return out


def _section_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


KIND_NAMES = {"int": N_("integers"), "float": N_("numbers"), "str": N_("strings"),
              "bool": N_("true/false values")}
"""How a list's item type is named in a rule (``must be a list of numbers``)."""


def _check_value(value: Any, kind: Any, meta: dict[str, Any]) -> tuple[Any, str | None]:
    """Convert ``value`` to ``kind``; return (converted, None) or (None, rule broken)."""
    origin = typing.get_origin(kind)
    if origin is tuple:
        item_kind = typing.get_args(kind)[0]
        if not isinstance(value, list):
            return None, _("must be a list of {kind}").format(kind=_(KIND_NAMES.get(
                item_kind.__name__, item_kind.__name__)))
        items = []
        for item in value:
            converted, rule = _check_value(item, item_kind, meta)
            if rule:
                return None, _("every item {rule}").format(rule=rule)
            items.append(converted)
        return tuple(items), None
    if kind is bool:
        return (value, None) if isinstance(value, bool) else (None, _("must be true or false"))
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, _("must be an integer")
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, _("must be a number")
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            return None, _("must be a finite number")
    elif kind is str:
        if not isinstance(value, str):
            return None, _("must be a string")
        choices = meta.get("choices")
        if choices and value not in choices:
            return None, _("must be one of {choices}").format(choices=", ".join(choices))
        return value, None
    lo, hi = meta.get("min"), meta.get("max")
    exclusive = meta.get("exclusive", False)
    exclusive_low = exclusive or meta.get("exclusive_min", False)
    if lo is not None and (value < lo or (value == lo and exclusive_low)):
        return None, (_("must be > {low}") if exclusive_low else _("must be >= {low}")).format(
            low=lo)
    exclusive_high = exclusive or meta.get("exclusive_max", False)
    if hi is not None and (value > hi or (value == hi and exclusive_high)):
        return None, (_("must be < {high}") if exclusive_high else _("must be <= {high}")).format(
            high=hi)
    return value, None


def parse_config(raw: dict[str, Any], file: str) -> tuple[PlanningConfig, list[Problem]]:
    """Build a :class:`PlanningConfig` from parsed TOML; collect every problem."""
    problems: list[Problem] = []
    sections: dict[str, Any] = {}
    known = {section_name(f.name): f for f in fields(PlanningConfig)}
    for name, body in raw.items():
        if name not in known:
            problems.append(Problem(file, None, name, None,
                                    _("unknown section [{section}]; known: {known}").format(
                                        section=name, known=", ".join(known))))
            continue
        if not isinstance(body, dict):
            problems.append(Problem(file, None, name, repr(body), _("must be a [section] table")))
            continue
        cls: Any = known[name].default_factory
        hints = _section_types(cls)
        meta = {f.name: dict(f.metadata) for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in body.items():
            if key not in meta:
                problems.append(Problem(file, None, f"{name}.{key}", repr(value),
                                        _("unknown key; known keys of [{section}]: {known}")
                                        .format(section=name, known=", ".join(meta))))
                continue
            converted, rule = _check_value(value, hints[key], meta[key])
            if rule:
                problems.append(Problem(file, None, f"{name}.{key}", repr(value), rule))
            else:
                values[key] = converted
        sections[known[name].name] = cls(**values)
    config = PlanningConfig(**sections)
    problems.extend(_cross_checks(config, file))
    return config, problems


def _cross_checks(config: PlanningConfig, file: str) -> list[Problem]:
    problems = []
    if config.planning.week:
        try:
            parse_iso_week(config.planning.week)
        except ValueError as exc:
            problems.append(Problem(file, None, "planning.week", config.planning.week, str(exc)))
    cut = config.service_levels.abc_cutoffs
    if len(cut) != 2 or not cut[0] < cut[1]:
        problems.append(Problem(file, None, "service_levels.abc_cutoffs", repr(list(cut)),
                                _("must be two increasing shares, e.g. [0.8, 0.95]")))
    hours = config.staffing.order_hours
    if len(hours) != 2 or not hours[0] < hours[1]:
        problems.append(Problem(file, None, "staffing.order_hours", repr(list(hours)),
                                _("must be [first hour, end hour) with first < end, e.g. "
                                  "[8, 18]")))
    if not config.routing.delivery_weekdays:
        problems.append(Problem(file, None, "routing.delivery_weekdays", "[]",
                                _("must list at least one weekday")))
    if len(set(config.forecast.quantiles)) != len(config.forecast.quantiles):
        problems.append(Problem(file, None, "forecast.quantiles",
                                repr(list(config.forecast.quantiles)),
                                _("must not repeat a level")))
    return problems


def read_config(text: str, file: str) -> PlanningConfig:
    """Parse the text of a ``config.toml``.

    Raises
    ------
    InvalidInputError
        If the TOML does not parse or any key is unknown, mistyped or out of bounds.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)  # Python 3.14+; earlier ones say it in the text
        if line is None and (found := re.search(r"at line (\d+)", str(exc))):
            line = int(found.group(1))
        problem = Problem(file, line, None, None, _("not valid TOML: {error}").format(error=exc))
        raise InvalidInputError([problem]) from None
    config, problems = parse_config(raw, file)
    if problems:
        raise InvalidInputError(problems)
    return config


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def default_config_toml(config: PlanningConfig | None = None, *,
                        with_import: bool = False) -> str:
    """A ``config.toml`` text with every key, its value and what it means; the ``[import]``
    section only ``with_import`` (a dataset made by ``salesflow import``)."""
    config = config or PlanningConfig()
    lines = ["# salesflow planning settings; every key is optional (defaults shown).", ""]
    for section in fields(config):
        if section.name == "import_" and not with_import:
            continue
        values = getattr(config, section.name)
        lines.append(f"[{section_name(section.name)}]")
        for f in fields(values):
            lines.append(f"{f.name} = {_toml_value(getattr(values, f.name))}"
                         f"  # {f.metadata['doc']}")
        lines.append("")
    return "\n".join(lines)

