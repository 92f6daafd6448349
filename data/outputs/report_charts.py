"""The report's matplotlib charts, as inline SVG, in the reader's language.

Text in the SVG stays text (``svg.fonttype = none``): the browser draws it with its own fonts,
so Chinese labels need no embedded font. For measuring that text (and for PNG charts)
matplotlib gets DejaVu Sans with a CJK font as fallback when one is installed (Debian
``fonts-noto-cjk``; Chinese may come from the language or from names in the data), the CJK
font first when the language is Chinese; without one the "missing glyph" warnings are
silenced (:func:`quiet_glyphs`), since in SVG the glyphs are the browser's to draw. Every
figure is computed before; these functions only draw.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import pandas as pd

from salesflow.data.i18n import _, format_number, format_weekday, language

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
CJK_FONTS = ("Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK SC", "Noto Sans CJK JP",
             "Source Han Sans TC", "WenQuanYi Zen Hei", "AR PL UMing TW", "Droid Sans Fallback")
PARETO_BARS = 15


@cache
def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or ``None``."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def chart_fonts() -> list[str]:
    """The font families of a chart, first choice first (matplotlib falls back along the
    list glyph by glyph)."""
    cjk = cjk_font()
    if cjk is None:
        return ["DejaVu Sans"]
    return [cjk, "DejaVu Sans"] if language().startswith("zh") else ["DejaVu Sans", cjk]


@contextmanager
def quiet_glyphs() -> Iterator[None]:
    """Silence matplotlib's "Glyph ... missing from font" warnings (no CJK font installed)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "font.family": chart_fonts(),
                         "axes.unicode_minus": False,
                         "svg.hashsalt": "salesflow"})  # same plan, same bytes
    return plt.subplots(figsize=(width, height))


def _svg(figure: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with quiet_glyphs():  # text is the browser's to draw (see the module doc)
        figure.savefig(buffer, format="svg", bbox_inches="tight",
                       metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def short_date(value: Any) -> str:
    """``"Nov 23"`` / ``"11月23日"``: a date on a chart axis."""
    from babel.dates import format_skeleton

    return str(format_skeleton("MMMd", pd.Timestamp(value).date(), locale=language()))


def _number_axis(axis: Any, digits: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, digits)))


def grouped_bars(labels: Sequence[str], series: Mapping[str, Sequence[float]],
                 value_label: str) -> str:
    """Horizontal bars, one group per label and one bar per series, on a linear scale, each
    bar marked with its value (small parts stay readable beside large ones)."""
    fig, ax = _figure(7.5, 0.24 * len(labels) * max(len(series), 1) + 1.0)
    height = 0.8 / max(len(series), 1)
    for k, (name, values) in enumerate(series.items()):
        ys = [i + k * height for i in range(len(labels))]
        bars = ax.barh(ys, list(values), height, label=name, color=PALETTE[k])
        ax.bar_label(bars, [format_number(v) for v in values], padding=2, fontsize=7)
    ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(labels))], labels)
    ax.invert_yaxis()
    ax.axvline(0, color="#555", lw=0.6)
    ax.set_xlabel(value_label)
    _number_axis(ax.xaxis)
    ax.margins(x=0.18)
    ax.legend(fontsize=7, loc="lower right")
    return _svg(fig)


def pareto_chart(names: Sequence[str], values: Sequence[float], value_label: str) -> str:
    """Bars sorted by size (the first :data:`PARETO_BARS`, the rest as one "others" bar) and
    the cumulative share as a line, with the 80 % mark."""
    items = sorted(((n, v) for n, v in zip(names, values, strict=True) if v > 0),
                   key=lambda kv: -kv[1])
    if len(items) > PARETO_BARS:
        rest = sum(v for _n, v in items[PARETO_BARS - 1:])
        items = [*items[:PARETO_BARS - 1], (_("others"), rest)]
    fig, ax = _figure(7.5, 3.4)
    total = sum(v for _n, v in items) or 1.0
    xs = list(range(len(items)))
    ax.bar(xs, [v for _n, v in items], color=PALETTE[0])
    ax.set_xticks(xs, [n[:22] for n, _v in items], rotation=40, ha="right", fontsize=7)
    ax.set_ylabel(value_label)
    _number_axis(ax.yaxis)
    twin = ax.twinx()
    running, shares = 0.0, []
    for _n, v in items:
        running += v
        shares.append(running / total)
    twin.plot(xs, shares, color=PALETTE[3], marker="o", label=_("cumulative share"))
    twin.axhline(0.8, color=PALETTE[7], linestyle=":", lw=1)
    twin.set_ylim(0, 1.05)
    from matplotlib.ticker import FuncFormatter

    from salesflow.data.i18n import format_percent

    twin.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_percent(v, 0)))
    twin.set_ylabel(_("cumulative share"))
    return _svg(fig)


def forecast_charts(history: pd.DataFrame, forecast: pd.DataFrame,
                    top_skus: Sequence[tuple[str, str]]) -> str:
    """Small multiples: recent history, forecast and its p10-p90 band per top SKU."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    n = len(top_skus)
    if n == 0:
        return ""
    plt.close(_figure(1, 1)[0])  # only for the backend and style
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.4 * rows), squeeze=False)
    for ax, (sku, name) in zip(axes.flat, top_skus, strict=False):
        past = history[history["unique_id"] == sku]
        ahead = forecast[forecast["unique_id"] == sku]
        ax.plot(past["ds"], past["y"], color=PALETTE[0], lw=1, label=_("units sold"))
        if {"p10", "p90"} <= set(ahead.columns):
            ax.fill_between(ahead["ds"], ahead["p10"], ahead["p90"], color=PALETTE[1],
                            alpha=0.25, label=_("forecast range (p10–p90)"))
        ax.plot(ahead["ds"], ahead["forecast"], color=PALETTE[1], lw=1.5, label=_("forecast"))
        ax.set_title(f"{sku} {name}"[:40], fontsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda v, _pos: short_date(pd.Timestamp(_num2date(v)))))
        ax.tick_params(axis="x", labelrotation=45, labelsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    return _svg(fig)


def _num2date(value: float) -> Any:
    from matplotlib.dates import num2date

    return num2date(value).replace(tzinfo=None)


def inventory_chart(weeks: Sequence[str], lines: Mapping[str, Sequence[float]]) -> str:
    """Projected stock value at the end of each horizon week, one line per policy."""
    fig, ax = _figure(7.5, 3.0)
    for k, (name, values) in enumerate(lines.items()):
        ax.plot(range(len(weeks)), list(values), marker="o", label=name, color=PALETTE[k])
    ax.set_xticks(range(len(weeks)), [short_date(w) for w in weeks], rotation=45, fontsize=7)
    ax.set_ylabel(_("stock value at week end"))
    _number_axis(ax.yaxis)
    ax.legend(fontsize=7)
    return _svg(fig)


def coverage_chart(coverage: pd.DataFrame) -> str:
    """Required and staffed persons per hour over the week (all skills)."""
    fig, ax = _figure(9.5, 3.0)
    hourly = coverage.groupby(["date", "hour"], sort=True)[["required", "staffed"]].sum()
    labels = [f"{format_weekday(pd.Timestamp(d).date())} {h:02d}" for d, h in hourly.index]
    positions = range(len(labels))
    ax.bar(positions, hourly["staffed"], color=PALETTE[2], alpha=0.6, label=_("staffed"))
    ax.step(positions, hourly["required"], where="mid", color=PALETTE[3], label=_("required"))
    step = max(1, len(labels) // 24)
    ax.set_xticks(list(positions)[::step], labels[::step], rotation=60, fontsize=6)
    ax.set_ylabel(_("persons"))
    ax.legend(fontsize=7)
    return _svg(fig)
