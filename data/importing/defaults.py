"""The stated defaults an import uses for master data a company does not have.

They are read from the ``[import]`` section of a TOML file (``--config``) and written back to
``import_defaults.toml`` in the dataset folder, so the values assumed are visible and can be
changed. ``config.toml``'s reader refuses sections it does not know, so ``[import]`` lives in
its own file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from salesflow.data.errors import InvalidInputError, Problem

DEFAULTS_FILE = "import_defaults.toml"


@dataclass(frozen=True)
class ImportDefaults:
    """Values assumed when the exports do not say (every one is listed in assumptions.csv)."""

    margin: float = 0.30
    lead_time_days: int = 7
    order_cost: float = 50.0
    holding_rate: float = 0.25
    pack_size: int = 1
    moq: int = 1
    unit_volume_m3: float = 0.001
    unit_weight_kg: float = 0.5
    unit_cost: float = 1.0
    category: str = "unassigned"
    unknown_customer: str = "UNKNOWN"

    def __post_init__(self) -> None:
        if not 0 <= self.margin < 1:
            raise ValueError(f"margin must be in [0, 1); got {self.margin}")


_DOCS = {
    "margin": "gross margin assumed to derive unit_cost from the selling price",
    "lead_time_days": "supplier lead time in days",
    "order_cost": "fixed cost of one purchase order",
    "holding_rate": "yearly holding cost / unit cost",
    "pack_size": "units per pack",
    "moq": "minimum order quantity in units",
    "unit_volume_m3": "volume of one unit",
    "unit_weight_kg": "weight of one unit",
    "unit_cost": "unit cost of a SKU sold without any price",
    "category": "category of a SKU the exports give none",
    "unknown_customer": "customer_id of sales lines without one",
}


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML file at ``path`` (BOM allowed).

    Raises
    ------
    InvalidInputError
        If it cannot be read or is not valid TOML.
    """
    file = str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         f"cannot be read: {exc.strerror}")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         f"not a valid TOML file: {exc}")]) from None


def read_defaults(path: Path | None) -> ImportDefaults:
    """The ``[import]`` section of ``path`` (all defaults when ``None`` or absent).

    Raises
    ------
    InvalidInputError
        If the file does not parse, or a key is unknown or of the wrong type.
    """
    if path is None:
        return ImportDefaults()
    file = str(path)
    raw = read_toml(path).get("import", {})
    known = {f.name: f for f in fields(ImportDefaults)}
    problems = []
    values: dict[str, object] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(Problem(file, None, f"import.{key}", str(value),
                                    f"unknown key; known keys of [import]: {', '.join(known)}"))
            continue
        kind = type(getattr(ImportDefaults(), key))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            problems.append(Problem(file, None, f"import.{key}", str(value),
                                    f"must be a {kind.__name__}"))
            continue
        values[key] = value
    if problems:
        raise InvalidInputError(problems)
    try:
        return ImportDefaults(**values)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InvalidInputError([Problem(file, None, "import.margin", str(values.get("margin")),
                                         str(exc))]) from None


def defaults_toml(defaults: ImportDefaults) -> str:
    """``[import]`` with every default used and what it means."""
    lines = ["# Defaults salesflow import assumed; pass this file back with --config to change",
             "# them. Every value used is listed per table and column in assumptions.csv.",
             "", "[import]"]
    for f in fields(ImportDefaults):
        value = getattr(defaults, f.name)
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        lines.append(f"{f.name} = {shown}  # {_DOCS[f.name]}")
    return "\n".join(lines) + "\n"
