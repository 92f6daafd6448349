"""What the plan store hands back: plan records, file infos, apply outcomes, and the
queries that build them from the tables."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesflow.data.store.schema import files_table, plans_table

STATUSES = ("draft", "applied", "superseded")
"""A plan's possible statuses (DESIGN §6)."""

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".html": "text/html",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".geojson": "application/geo+json",
    ".gpx": "application/gpx+xml",
    ".png": "image/png",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".parquet": "application/vnd.apache.parquet",
}


@dataclass(frozen=True)
class ApplyOutcome:
    """What :meth:`PlanStore.apply_plan` did.

    ``changed`` is False when the plan was already applied (nothing was touched then).
    """

    plan: PlanRecord
    changed: bool
    superseded: tuple[int, ...]
    export_dir: Path


@dataclass(frozen=True)
class PlanFileInfo:
    """One stored file of a plan (without its content)."""

    name: str
    media_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PlanRecord:
    """A committed plan as stored.

    ``created_at`` and ``applied_at`` are UTC ISO-8601 texts (``2026-11-27T07:45:00Z``);
    ``status`` is one of ``draft``, ``applied``, ``superseded``.
    """

    id: int
    week: str
    created_at: str
    fingerprint: str
    config: dict[str, Any]
    summary: dict[str, Any]
    data_dir: str
    status: str
    applied_at: str | None
    files: tuple[PlanFileInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-ready data (files as a list of dicts)."""
        return asdict(self) | {"files": [asdict(f) for f in self.files]}


def media_type_for(name: str) -> str:
    """Guess a file's media type from its extension (``application/octet-stream`` if unknown)."""
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def file_row(name: str, value: bytes | bytearray | memoryview) -> dict[str, Any]:
    """The ``plan_files`` row of one file (without ``plan_id``): type, digest, size, content.

    Raises
    ------
    TypeError
        ``value`` is not bytes-like.
    """
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"plan file {name!r} must be bytes, got {type(value).__name__}")
    content = bytes(value)
    return {
        "name": name, "media_type": media_type_for(name),
        "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
        "content": content,
    }


def file_info(row: dict[str, Any]) -> PlanFileInfo:
    """The :class:`PlanFileInfo` of a row made by :func:`file_row`."""
    return PlanFileInfo(row["name"], row["media_type"], row["sha256"], row["size"])


def read_records(conn: Connection, plan_id: int | None = None) -> list[PlanRecord]:
    """Every plan (or plan ``plan_id`` only) with its file infos, ordered by id."""
    plans_q = sa.select(plans_table).order_by(plans_table.c.id)
    files_q = sa.select(
        files_table.c.plan_id, files_table.c.name, files_table.c.media_type,
        files_table.c.sha256, files_table.c.size,
    ).order_by(files_table.c.plan_id, files_table.c.name)
    if plan_id is not None:
        plans_q = plans_q.where(plans_table.c.id == plan_id)
        files_q = files_q.where(files_table.c.plan_id == plan_id)
    by_plan: dict[int, list[PlanFileInfo]] = defaultdict(list)
    for row in conn.execute(files_q):
        info = PlanFileInfo(row.name, row.media_type, row.sha256, row.size)
        by_plan[row.plan_id].append(info)
    return [
        PlanRecord(
            id=row.id, week=row.week, created_at=row.created_at, fingerprint=row.fingerprint,
            config=json.loads(row.config), summary=json.loads(row.summary),
            data_dir=row.data_dir, status=row.status, applied_at=row.applied_at,
            files=tuple(by_plan.get(row.id, ())),
        )
        for row in conn.execute(plans_q)
    ]
