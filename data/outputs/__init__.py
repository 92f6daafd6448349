"""What salesflow writes for people and other programs: CSV and JSON tables, the plan report
(HTML), the route map, route files (GeoJSON, GPX), the purchasing workbook and staffing charts.

Each module turns records into bytes; the plan store and the CLI decide where they go. The
public names are the modules themselves (``from salesflow.data.outputs import report``), loaded
on first use, so that importing this package does not import matplotlib or openpyxl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.data.outputs import (
        purchase_workbook,
        report,
        route_exports,
        route_map,
        staffing_outputs,
        writers,
    )
else:
    __getattr__, __dir__ = lazy_exports(__name__, {}, submodules=(
        "purchase_workbook", "report", "route_exports", "route_map", "staffing_outputs",
        "writers",
    ))

__all__ = [
    "purchase_workbook",
    "report",
    "route_exports",
    "route_map",
    "staffing_outputs",
    "writers",
]
