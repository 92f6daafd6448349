"""Which kind of table an export is, from the fields its columns were placed on.

Each kind names the fields it needs and the fields that speak for it; the score is the number
of fields that speak for it (needed ones count double), and a kind missing a needed field
scores nothing. The kind with the best score wins; all scores are kept for the printout.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.data.importing.columns import match_columns, normalise


@dataclass(frozen=True)
class Kind:
    """A kind of export: the dataset table it feeds, needed and telling fields."""

    table: str
    needs: tuple[str, ...]
    tells: tuple[str, ...]
    name_field: str  # what a bare "Name" column means in this kind of file


KINDS: tuple[Kind, ...] = (
    Kind("sales", ("order_date", "sku", "quantity"),
         ("order_id", "customer_id", "unit_price", "line_total", "doc_type", "status", "name",
          "customer_name", "country"), "order_id"),
    Kind("open_orders", ("po_id", "sku", "quantity", "arrival_date"), ("supplier_id",),
         "name"),
    Kind("skus", ("sku",),
         ("name", "category", "supplier_id", "unit_cost", "unit_price", "pack_size", "moq",
          "unit_weight_kg", "unit_volume_m3", "lead_time_days"), "name"),
    Kind("inventory", ("sku", "on_hand"), (), "name"),
    Kind("customers", ("customer_id",),
         ("customer_name", "address", "lat", "lon", "country"), "customer_name"),
    Kind("suppliers", ("supplier_id",), ("supplier_name", "lead_time_days", "order_cost"),
         "supplier_name"),
    Kind("employees", ("employee_id",), ("employee_name", "skills", "hourly_cost"),
         "employee_name"),
)
KIND_BY_TABLE = {k.table: k for k in KINDS}

USED: dict[str, frozenset[str]] = {
    "sales": frozenset({"order_id", "doc_type", "order_date", "customer_id", "customer_name",
                        "sku", "name", "category", "quantity", "unit_price", "line_total",
                        "status"}),
    "skus": frozenset({"sku", "name", "category", "supplier_id", "unit_cost", "unit_price",
                       "pack_size", "moq", "unit_weight_kg", "unit_volume_m3"}),
    "inventory": frozenset({"sku", "on_hand"}),
    "open_orders": frozenset({"po_id", "sku", "quantity", "arrival_date"}),
    "customers": frozenset({"customer_id", "customer_name", "lat", "lon"}),
    "suppliers": frozenset({"supplier_id", "supplier_name", "lead_time_days", "order_cost"}),
    "employees": frozenset(),
}
"""The fields the import uses from each kind of file; other placed columns are read but not
kept (the printout says so)."""


@dataclass(frozen=True)
class Recognition:
    """What an export was recognised as.

    Attributes
    ----------
    table:
        The dataset table it feeds (``sales``, ``skus``, ...), ``None`` if none fits.
    columns:
        Source column -> field.
    unplaced:
        Columns no field took (listed to the user, never dropped silently).
    scores:
        Score per kind.
    """

    table: str | None
    columns: dict[str, str]
    unplaced: list[str]
    scores: dict[str, int]


def score(kind: Kind, fields: set[str]) -> int:
    """How well a file with ``fields`` fits ``kind`` (0 = it lacks a needed field)."""
    if not all(f in fields for f in kind.needs):
        return 0
    return 2 * len(kind.needs) + sum(1 for f in kind.tells if f in fields)


def _for_kind(columns: dict[str, str], unplaced: list[str], names: list[str],
              kind: Kind) -> tuple[dict[str, str], list[str]]:
    """Re-read a bare "Name" column as the name the kind means."""
    for name in names:
        if normalise(name) == "name" and kind.name_field not in columns.values():
            columns = {**columns, name: kind.name_field}
            unplaced = [u for u in unplaced if u != name]
    return {n: columns[n] for n in names if n in columns}, unplaced


def recognise(names: list[str], table: str | None = None) -> Recognition:
    """Place the columns ``names`` and pick the table kind (``table`` forces it)."""
    columns, unplaced = match_columns(names)
    fields = set(columns.values())
    scores = {k.table: score(k, fields) for k in KINDS}
    if table is None:
        ranked = sorted(KINDS, key=lambda k: -scores[k.table])
        chosen = ranked[0] if scores[ranked[0].table] > 0 else None
    else:
        chosen = KIND_BY_TABLE.get(table)
    if chosen is not None:
        # "Name" in a customer file is the customer's name, not an order number.
        if chosen.name_field != "order_id":
            columns = {n: f for n, f in columns.items()
                       if not (normalise(n) == "name" and f == "order_id")}
            unplaced = [n for n in names if n not in columns]
        columns, unplaced = _for_kind(columns, unplaced, names, chosen)
    return Recognition(chosen.table if chosen else None, columns, unplaced, scores)
