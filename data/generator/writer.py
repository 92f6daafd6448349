"""Writing a generated dataset as CSV, Parquet or XLSX files."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from salesflow.data.generator import GeneratedDataset


FORMATS = ("csv", "parquet", "xlsx")


_DECIMALS: dict[str, int] = {
    "lat": 5, "lon": 5, "unit_volume_m3": 6, "unit_weight_kg": 3, "holding_rate": 2,
    "service_level": 2,
}
"""Decimals a float column is rounded to and written with (money and others: 2)."""


def _decimals(column: str) -> int:
    return _DECIMALS.get(column, 2)


def _csv_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The frame to hand to ``to_csv`` and its ``float_format`` (fixed decimals per column)."""
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    decimals = {_decimals(c) for c in floats}
    if len(decimals) <= 1:
        return frame, (f"%.{decimals.pop()}f" if decimals else None)
    out = frame.copy()
    for column in floats:
        fmt = f"{{:.{_decimals(column)}f}}"
        out[column] = [("" if math.isnan(v) else fmt.format(v)) for v in frame[column]]
    return out, None


def _write_csv(name: str, frame: pd.DataFrame, path: Path) -> None:
    out, float_format = _csv_frame(frame)
    out.to_csv(path, index=False, lineterminator="\n", float_format=float_format,
               date_format="%Y-%m-%d", encoding="utf-8")


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl", date_format="YYYY-MM-DD",
                        datetime_format="YYYY-MM-DD") as writer:
        frame.to_excel(writer, index=False, sheet_name="data")


def _write_table(name: str, frame: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "csv":
        _write_csv(name, frame, path)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        _write_xlsx(frame, path)


def _check_no_other_formats(dataset: GeneratedDataset, folder: Path, fmt: str) -> None:
    """A table in two formats would make the folder unreadable: refuse to write then."""
    clashes = [folder / f"{name}.{other}" for name in dataset.tables for other in FORMATS
               if other != fmt and (folder / f"{name}.{other}").exists()]
    if clashes:
        listed = ", ".join(p.name for p in clashes[:5]) + (" ..." if len(clashes) > 5 else "")
        raise FileExistsError(f"{folder} already holds {listed}; a table in two formats "
                              f"cannot be loaded: remove them or write to another folder")


def write_dataset(dataset: GeneratedDataset, folder: Path, fmt: str = "csv") -> list[Path]:
    """Write every table as ``<table>.<fmt>`` and ``config.toml`` into ``folder``.

    CSV files are byte-for-byte reproducible: UTF-8, ``\\n`` line ends, dates
    ``YYYY-MM-DD``, floats with fixed decimals. Parquet and XLSX files hold dates as dates
    and numbers as numbers; times and lists as text.

    Parameters
    ----------
    dataset:
        What :func:`generate_dataset` returned.
    folder:
        Created if missing; files of the same format are overwritten.
    fmt:
        ``csv``, ``parquet`` or ``xlsx``.

    Returns
    -------
    list of Path
        The files written, tables in schema order, then ``config.toml``.

    Raises
    ------
    ValueError
        If ``fmt`` is not a known format.
    FileExistsError
        If ``folder`` holds one of the tables in another format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _check_no_other_formats(dataset, folder, fmt)
    written = []
    for name, frame in dataset.tables.items():
        path = folder / f"{name}.{fmt}"
        _write_table(name, frame, path, fmt)
        written.append(path)
    config = folder / "config.toml"
    config.write_text(dataset.config_toml, encoding="utf-8", newline="\n")
    written.append(config)
    return written
