"""``--allow-stale``: plan a week although the dataset's sales stop too long before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from salesflow.cli.common import wants_json
from salesflow.data.i18n import _

if TYPE_CHECKING:
    from salesflow.data.dataset import Dataset
    from salesflow.data.dataset.freshness import Freshness

F = TypeVar("F", bound=Callable[..., Any])


def allow_stale_option(func: F) -> F:
    """The ``--allow-stale`` flag (parameter ``allow_stale``)."""
    return click.option(
        "--allow-stale", "allow_stale", is_flag=True,
        help="Plan even if the week starts more than [data] max_days_since_last_sale "
             "(config.toml, default 7) days after the last sale; the plan then carries a "
             "warning.")(func)


def checked_freshness(dataset: Dataset, week_start: dt.date, allow_stale: bool) -> Freshness:
    """:func:`~salesflow.data.dataset.freshness.check_freshness`, its warnings also printed
    to stderr (unless --json).

    Raises
    ------
    StaleDataError
        The data is stale and ``allow_stale`` is not set (exit 2).
    """
    from salesflow.data.dataset.freshness import check_freshness

    freshness = check_freshness(dataset, week_start, allow_stale=allow_stale)
    if not wants_json():
        for text in freshness.warnings:
            click.echo(_("Warning: {message}").format(message=text), err=True)
    return freshness
