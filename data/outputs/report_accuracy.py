"""``accuracy.html``: how past plans' forecasts did against what sold (the drawing only; the
figures come computed, see :mod:`salesflow.forecasting.accuracy`).

One page a planner reads before trusting next week's plan: per plan week the final forecast
(after overrides), the statistical one and the seasonal naive, their MASE, WAPE and bias and
the forecast value added; then the same by forecast lead, demand class and model, and the
weeks whose sales have not arrived yet, listed by name.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from salesflow.data.i18n import N_, _, format_number, language_tag
from salesflow.data.outputs.report import STYLE, html_table

LEGEND = N_(
    "MASE: mean absolute error divided by the SKU's mean absolute week-to-week change before "
    "the plan (below 1: better than repeating last week). WAPE: sum of absolute errors / units "
    "sold. Bias: mean forecast minus sales per SKU-week (positive: too high). Columns without "
    "a suffix score the forecast purchasing used (after overrides); _statistical the engine's "
    "forecast, _naive the seasonal naive. fva_overrides = mase_statistical - mase (positive: "
    "the overrides helped); fva_statistical = mase_naive - mase_statistical (positive: the "
    "engine beats the seasonal naive).")
"""How to read the page's measures (column names stay the JSON's)."""


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return format_number(value, 3) if abs(value) < 100 else format_number(value, 1)
    return str(value)


def metrics_table(frame: pd.DataFrame, max_rows: int = 60) -> str:
    """An HTML table of a metrics frame (numbers to 3 decimals)."""
    return html_table(frame, max_rows, rest_in="salesflow accuracy --json", cell=_cell,
                      empty=_("none: no forecast week with sales yet"))


def accuracy_sections(tables: Mapping[str, pd.DataFrame], pending: Sequence[str]) -> str:
    """The accuracy sections: the legend, one table per titled frame, then the weeks without
    sales (``pending``, one line each)."""
    parts = [f"<p class='note'>{html.escape(_(LEGEND))}</p>"]
    for title, frame in tables.items():
        parts.append(f"<section><h2>{html.escape(title)}</h2>{metrics_table(frame)}</section>")
    if pending:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in pending)
        parts.append(f"<section><h2>{html.escape(_('Not scored yet'))}</h2><ul>{items}</ul>"
                     "</section>")
    return "".join(parts)


def render_accuracy_page(title: str, subtitle: str, tables: Mapping[str, pd.DataFrame],
                         pending: Sequence[str]) -> str:
    """``accuracy.html`` as one HTML document (UTF-8 text)."""
    return (f"<!DOCTYPE html><html lang='{language_tag()}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class='sub'>{html.escape(subtitle)}</p>"
            f"{accuracy_sections(tables, pending)}</body></html>\n")
