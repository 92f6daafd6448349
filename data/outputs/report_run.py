"""The report's Run section: each stage's wall seconds and memory, as the run measured them
(``optimizer.stage_timing``; this module only draws the records it is handed)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from salesflow.data.i18n import N_, _, format_number

RUN_STAGES = {"load": N_("load the data"), "forecast": N_("forecast"),
              "purchasing": N_("purchasing"), "staffing": N_("staffing"),
              "routing": N_("routing"), "tradeoff": N_("turnover trade-off"),
              "report": N_("KPIs, report and store")}
"""The timed stages (``optimizer.weekly.TIMED_STAGES``) in words."""

RUN_HEADERS = (N_("stage"), N_("seconds"), N_("peak MiB"), N_("added MiB"),
               N_("workers' peak MiB"))

_MIB = 1024 * 1024


def run_stage_label(stage: str) -> str:
    """A timed stage in words (the id itself when unknown)."""
    return _(RUN_STAGES[stage]) if stage in RUN_STAGES else stage


def run_cells(row: Mapping[str, Any]) -> tuple[str, ...]:
    """One stage's cells, in :data:`RUN_HEADERS` order, formatted for the reader."""
    return (run_stage_label(str(row["stage"])), format_number(float(row["seconds"]), 1),
            format_number(int(row["peak_rss_bytes"]) / _MIB, 0),
            format_number(int(row["rss_growth_bytes"]) / _MIB, 0),
            format_number(int(row["workers_peak_rss_bytes"]) / _MIB, 0))


def run_section(rows: Sequence[Mapping[str, Any]]) -> str:
    """The stages' table and what its figures measure."""
    head = "".join(f"<th>{html.escape(_(h))}</th>" for h in RUN_HEADERS)
    body = "".join(
        f"<tr data-stage='{html.escape(str(row['stage']))}'>"
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in run_cells(row)) + "</tr>"
        for row in rows)
    note = _("Wall-clock seconds of this run on this machine. Peak: the largest resident "
             "memory of the salesflow process during the stage; added: that peak minus its "
             "memory when the stage started; workers' peak: the largest summed memory of its "
             "worker processes, sampled. The KPIs, this report and storing the plan come "
             "after this page is written: the terminal summary and --json time them too.")
    return (f"<table class='run'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p class='note'>{html.escape(note)}</p>")


__all__ = ["RUN_HEADERS", "RUN_STAGES", "run_cells", "run_section", "run_stage_label"]
