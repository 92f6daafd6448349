"""The exception tree shared by every layer of salesflow.

``SalesflowError`` is the root. ``InvalidInputError`` is raised for bad user input (a dataset,
a config file, an option value) and carries every :class:`Problem` found, each naming the file,
row, column and value. The CLI turns user errors into a message and exit code 2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from salesflow.data.i18n import _, ngettext


class SalesflowError(Exception):
    """Root of every error salesflow raises on purpose."""


class UserError(SalesflowError):
    """A mistake the user can fix (bad option, unknown plan id, ...). Exit code 2."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Attributes
    ----------
    file:
        The file as the user named it (for example ``data/sample/sales.csv``).
    row:
        Row number as the user sees it: for CSV and XLSX the line / sheet row (the header is
        row 1), for Parquet the 1-based record number. ``None`` when the problem concerns the
        file or a whole column.
    column:
        Column name (or config key such as ``routing.average_speed_kmh``), ``None`` if none.
    value:
        The offending value as text, ``None`` if there is none (a missing file or column).
    rule:
        The rule broken, phrased so that it says what is expected.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where = _("{place}, {detail}").format(
                place=where, detail=_("row {row}").format(row=self.row))
        if self.column is not None:
            label = (_("key {key}").format(key=self.column) if self.file.endswith(".toml")
                     else _("column {column}").format(column=self.column))
            where = _("{place}, {detail}").format(place=where, detail=label)
        if self.value is not None:
            return _("{where}: value {value}: {rule}").format(
                where=where, value=repr(self.value), rule=self.rule)
        return _("{where}: {rule}").format(where=where, rule=self.rule)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class InvalidInputError(UserError, ValueError):
    """Bad input data. Carries every problem found, not only the first.

    Parameters
    ----------
    problems:
        The problems, in file order.
    summary:
        Optional headline; by default the number of problems.
    """

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        if not problems:
            raise ValueError("InvalidInputError needs at least one problem")
        self.problems = list(problems)
        count = len(self.problems)
        self.summary = summary or ngettext(
            "{count} problem in the input", "{count} problems in the input", count,
        ).format(count=count)
        super().__init__(self.summary + ":\n" + "\n".join(f"  {p}" for p in self.problems[:20]))


class NotFittedError(SalesflowError, AttributeError):
    """A model was asked to predict before it was fitted."""


class StoreError(UserError):
    """The plan store given cannot be opened or written (wrong schema version, not a store,
    a file where a folder is expected, ...). Exit code 2, like other bad input."""


class PlanNotFoundError(UserError, KeyError):
    """No plan with the given id in the store."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else _("plan not found")
