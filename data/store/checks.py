"""What callers hand the plan store, checked and turned into the texts it stores.

Plan ids, ISO weeks, plain file names, JSON-ready dicts and UTC timestamps: each is checked
here once, with a :class:`~salesflow.data.errors.UserError` that says what was expected.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime
from typing import Any

from salesflow.data.errors import UserError
from salesflow.data.i18n import _

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def check_id(plan_id: int) -> None:
    """Raise :class:`UserError` unless ``plan_id`` is an integer (not a bool)."""
    if not isinstance(plan_id, int) or isinstance(plan_id, bool):
        raise UserError(_("plan id must be an integer, got {value}").format(
            value=repr(plan_id)))


def check_week(week: str) -> None:
    """Raise :class:`UserError` unless ``week`` is an existing ISO week ``YYYY-Www``."""
    match = _WEEK_RE.match(week) if isinstance(week, str) else None
    try:
        if match is None:
            raise ValueError
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise UserError(_("plan week must be an ISO week like 2026-W48, got {value}").format(
            value=repr(week))) from None


def check_file_name(name: str) -> str:
    """Return ``name`` if it is a plain file name (no folders, not hidden, not padded).

    Raises
    ------
    UserError
        Otherwise.
    """
    bad = (
        not isinstance(name, str) or not name or name.startswith(".")
        or any(c in name for c in "/\\\0") or name != name.strip()
    )
    if bad:
        raise UserError(
            _("plan file name {name} is not a plain file name (no folders, not hidden)").format(
                name=repr(name)))
    return name


def to_json(value: dict[str, Any], what: str) -> str:
    """``value`` as sorted JSON text (numpy scalars, dates and paths allowed).

    Raises
    ------
    UserError
        ``value`` is not a dict or holds something JSON cannot represent; ``what`` names it.
    """
    if not isinstance(value, dict):
        raise UserError(_("plan {what} must be a dict, got {kind}").format(
            what=what, kind=type(value).__name__))
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise UserError(_("plan {what} is not JSON-serializable: {error}").format(
            what=what, error=exc)) from exc


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy / pandas scalars
        return value.item()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serializable")


def utc_text(now: datetime | None) -> str:
    """``now`` (default: the current time; naive means UTC) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    moment = now if now is not None else datetime.now(UTC)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
