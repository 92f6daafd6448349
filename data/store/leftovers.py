"""Clearing what a dead process left in a store's ``plans/`` folder.

A crash can leave a ``.tmp-<hex>`` folder (files written, plan not committed) or a ``<id>``
folder renamed into place whose transaction never committed (no plan row owns it; ids are
never reused, so no later plan will either). Both are removed once they are older than
:data:`STALE_AFTER_S`, so that a save running at the same time in another process is never
disturbed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from salesflow.data.atomic import TMP_PREFIX, remove_path
from salesflow.data.errors import StoreError

logger = logging.getLogger(__name__)

STALE_AFTER_S = 3600.0
"""Leftovers older than this (seconds) are from a dead process, not a running one."""


def clean_leftovers(plans_dir: Path, plan_ids: Callable[[], set[int]]) -> None:
    """Remove old ``.tmp-*`` folders and old numeric folders of ``plans_dir`` that no plan
    owns (``plan_ids()`` gives the committed ones). Problems are logged, never raised."""
    cutoff = time.time() - STALE_AFTER_S
    try:
        entries = list(plans_dir.iterdir())
        ids = plan_ids()
    except (OSError, StoreError) as exc:
        logger.warning("could not look for leftovers in %s: %s", plans_dir, exc)
        return
    for path in entries:
        name = path.name
        orphan = name.isdigit() and str(int(name)) == name and int(name) not in ids
        if (orphan or name.startswith(TMP_PREFIX)) and _mtime(path) < cutoff:
            logger.info("removing leftover %s", path)
            remove_path(path)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # gone meanwhile
        return float("inf")
