"""The files of one stored plan, made in one place: the tables (CSV), ``kpis.json``, the
report, and the files each role takes as they are (route exports for logistics: GeoJSON,
GPX, the map and the drivers' run sheets beside ``routes.csv``; the purchasing workbook).
``salesflow weekly`` stores them all at once; ``export`` and ``apply``
hand them out. Bytes only: the plan store decides where they go."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from salesflow.data.dataset import Dataset
from salesflow.data.i18n import _
from salesflow.optimizer.weekly import WeeklyPlan


def plan_files(dataset: Dataset, plan: WeeklyPlan, assumptions: pd.DataFrame | None = None,
               warnings: tuple[str, ...] = ()) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The files of ``plan`` by name and the KPIs stored in its ``kpis.json`` (with the
    freshness ``warnings`` and the counts of values the dataset assumed)."""
    from salesflow.data.dataset.assumptions import ASSUMPTIONS_FILE, assumption_counts
    from salesflow.data.outputs.report import render_report
    from salesflow.data.outputs.writers import csv_bytes, json_bytes
    from salesflow.optimizer.report_data import report_data

    kpis = dict(plan.kpis)
    if warnings:
        kpis["warnings"] = list(warnings)
    files = {f"{name}.csv": csv_bytes(frame) for name, frame in plan.output_tables().items()}
    if assumptions is not None:
        kpis["assumed"] = assumption_counts(assumptions)
        files[ASSUMPTIONS_FILE] = csv_bytes(assumptions)
    files["kpis.json"] = json_bytes(kpis)
    if plan.tradeoff is not None:
        files["tradeoff.json"] = json_bytes(plan.tradeoff)
        files["tradeoff.csv"] = csv_bytes(pd.DataFrame(plan.tradeoff["points"]))
    files.update(plan_route_files(dataset, plan, exclude=("routes.csv",)))
    report = report_data(dataset, plan, assumptions=assumptions)
    what_if = kpis.get("what_if")
    report = replace(report, cycle_target=what_if or kpis["staffing"].get("cycle_target"),
                     warnings=tuple(warnings),
                     title=report.title + (f" ({_(what_if['label'])})" if what_if else ""))
    files["report.html"] = render_report(report).encode("utf-8")
    return files, kpis


def plan_route_files(dataset: Dataset, plan: WeeklyPlan,
                     exclude: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every route file of ``plan`` (:data:`~salesflow.optimizer.routing.exports.ROUTE_FILES`
    but ``exclude``), in the current language, the map's base tiles from the dataset's
    ``[report]``. A plan without routing gets the same files, empty, saying why."""
    from salesflow.data.i18n import _, format_date
    from salesflow.optimizer.routing.exports import ROUTE_FILES, route_files

    report = dataset.config.report
    title = _("Delivery routes, week of {date}").format(date=format_date(plan.week_start))
    return route_files(list(plan.routing.days) if plan.routing else [], title,
                       tiles=report.map_tiles, attribution=report.map_attribution,
                       note=plan.skipped.get("routing", ""),
                       names=tuple(n for n in ROUTE_FILES if n not in exclude))
