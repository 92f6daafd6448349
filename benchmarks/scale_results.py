"""What ``benchmarks/scale.py`` measures, as data: the runs, the datasets it generated and the
sweeps (benchmark invocations) they came from, kept in the section they are shown in.

The ``scale`` section of BENCHMARKS.md ends with a comment holding its rows as JSON
(:data:`DATA_MARK`), so that a later sweep over some sizes can replace those rows and keep the
others (``--merge``): an hour-long sweep need not be repeated to bring one size up to date, and
every row says which sweep (date, commit, command, load) measured it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SIZES = ("tiny", "small", "medium", "large", "xlarge")
STAGES = ("load", "forecast", "purchasing", "staffing", "routing", "report")
GAP_STAGES = ("purchasing", "staffing")
"""Stages whose solver's gap the table shows (from ``weekly --json``'s KPIs)."""
MiB = 1024 * 1024
DATA_MARK = "scale-data"
"""The section's data comment: ``<!-- scale-data {...} -->``."""
DATA_VERSION = 1


@dataclass(frozen=True)
class Sweep:
    """One invocation of the benchmark: where and when it ran, at which commit, how."""

    machine: str
    """``Measured <UTC time> on <machine>, <n> cores, Python <version>.``"""
    commit: str
    """The checkout's commit (``+changes`` when its tracked files differed), or ``""``."""
    command: str
    load: str
    """The load average at its start and its end, in words."""


@dataclass(frozen=True)
class Run:
    """One ``salesflow weekly`` run: a size, a worker count and what it measured."""

    size: str
    workers: int
    skus: int
    lines: int
    seconds: float
    peak_rss_bytes: int
    stages: dict[str, dict[str, Any]]
    series: int
    ok: bool
    error: str = ""
    gaps: dict[str, float | None] = field(default_factory=dict)
    sweep: Sweep | None = None
    probe_seconds: float | None = None
    """The machine's speed just before the run: seconds of a fixed CPU workload."""

    @property
    def stage_seconds(self) -> dict[str, float]:
        return {name: float(s["seconds"]) for name, s in self.stages.items()}

    @property
    def workers_peak_bytes(self) -> int:
        return max((int(s["workers_peak_rss_bytes"]) for s in self.stages.values()), default=0)

    @property
    def forecast_throughput(self) -> float | None:
        """Series forecast per second of the forecast stage."""
        seconds = self.stage_seconds.get("forecast")
        return self.series / seconds if seconds else None


@dataclass(frozen=True)
class Generated:
    size: str
    folder: Path
    seconds: float
    peak_rss_bytes: int
    skus: int
    lines: int
    format: str
    sweep: Sweep | None = None


@dataclass
class ScaleResult:
    generated: list[Generated] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)

    @property
    def sweeps(self) -> list[Sweep]:
        """The sweeps of the runs and datasets, oldest first (their machine line starts with
        the UTC time they started, ``Measured YYYY-MM-DD HH:MM UTC``)."""
        found = [r.sweep for r in self.runs] + [g.sweep for g in self.generated]
        return sorted(dict.fromkeys(s for s in found if s is not None),
                      key=lambda sweep: sweep.machine)


def merged(earlier: ScaleResult, new: ScaleResult) -> ScaleResult:
    """``new`` and what of ``earlier`` it did not measure again: the runs of other (size,
    workers) pairs and the datasets of other sizes; in size order, then by workers."""
    measured = {(r.size, r.workers) for r in new.runs}
    generated = {g.size for g in new.generated}
    runs = [r for r in earlier.runs if (r.size, r.workers) not in measured] + new.runs
    datasets = [g for g in earlier.generated if g.size not in generated] + new.generated
    return ScaleResult(sorted(datasets, key=lambda g: _size_order(g.size)),
                       sorted(runs, key=lambda r: (_size_order(r.size), r.workers)))


def _size_order(size: str) -> int:
    return SIZES.index(size) if size in SIZES else len(SIZES)


def to_comment(result: ScaleResult) -> str:
    """``result`` as the section's data comment (JSON, one sweep, run or dataset a line)."""
    sweeps = result.sweeps
    index = {sweep: number for number, sweep in enumerate(sweeps)}

    def item(record: Run | Generated) -> dict[str, Any]:
        data = asdict(record)
        data["sweep"] = None if record.sweep is None else index[record.sweep]
        if isinstance(record, Generated):
            data["folder"] = str(record.folder)
        return data

    def lines(records: list[Any]) -> str:
        # a string holding "-->" (an error message) would end the comment: escape its ">"
        return ",\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False)
                           .replace("-->", "--\\u003e") for r in records)

    return (f"<!-- {DATA_MARK} {{\"version\": {DATA_VERSION},\n\"sweeps\": [\n"
            f"{lines([asdict(s) for s in sweeps])}],\n\"runs\": [\n"
            f"{lines([item(r) for r in result.runs])}],\n\"generated\": [\n"
            f"{lines([item(g) for g in result.generated])}]}} -->")


class SectionDataError(ValueError):
    """The section holds no data comment, or one this version cannot read."""


def from_section(text: str) -> ScaleResult:
    """The runs, datasets and sweeps stored in a section written by :func:`to_comment`.

    Raises
    ------
    SectionDataError
        If the section has no data comment (it was written before the comment existed) or
        the comment is not this version's JSON.
    """
    match = re.search(rf"<!-- {DATA_MARK} (.*?) -->", text, flags=re.S)
    if match is None:
        raise SectionDataError(f"the section holds no {DATA_MARK} comment: it was written "
                               "before runs were kept, so there are no earlier rows to keep")
    try:
        data = json.loads(match.group(1))
        if data.get("version") != DATA_VERSION:
            raise SectionDataError(f"its {DATA_MARK} comment is version "
                                   f"{data.get('version')!r}, not {DATA_VERSION}")
        sweeps = [Sweep(**s) for s in data["sweeps"]]

        def sweep_of(number: int | None) -> Sweep | None:
            return None if number is None else sweeps[number]

        runs = [Run(**{**r, "sweep": sweep_of(r["sweep"])}) for r in data["runs"]]
        generated = [Generated(**{**g, "folder": Path(g["folder"]),
                                  "sweep": sweep_of(g["sweep"])})
                     for g in data["generated"]]
    except SectionDataError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise SectionDataError(f"its {DATA_MARK} comment cannot be read: {exc}") from None
    return ScaleResult(generated, runs)
