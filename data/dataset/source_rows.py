"""Row numbers as the user sees them, for messages about rows of a loaded table.

A loaded :class:`~salesflow.data.dataset.loading.Dataset` keeps trusted tables indexed
``0..n-1`` (blank lines dropped), so a message that names a row reads the file again.
"""

from __future__ import annotations

from pathlib import Path

from salesflow.data.dataset.readers import read_table


def key_rows(file: str, table: str, key_column: str) -> dict[str, int]:
    """The row number of each key of ``key_column`` in ``file`` (the line or sheet row with the
    header as row 1, or the 1-based Parquet record), first row of a repeated key.

    Returns an empty mapping when ``file`` is ``""`` (an absent table) or cannot be read: the
    caller then names keys without rows.
    """
    if not file:
        return {}
    raw, _ = read_table(Path(file), table)
    if raw is None or key_column not in raw.frame.columns:
        return {}
    rows: dict[str, int] = {}
    for row, key in zip(raw.frame.index, raw.frame[key_column], strict=True):
        rows.setdefault(str(key), int(row))
    return rows
