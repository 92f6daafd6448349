"""The planner's report and the terminal KPI table read in the chosen language (issue 15):
the seven KPIs named in words with units, the baseline rule named, no code identifiers in
visible text, every empty section saying "none" in words, and the figures those of
kpis.json (one truth). One weekly plan on the tiny dataset, rendered in both languages."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import chromium_dom

from salesflow.data.i18n import (
    format_number,
    format_percent,
    language_tag,
    set_language,
)
from salesflow.data.i18n.terms import KPI_TERMS, format_kpi_value, kpi_label, kpi_unit

LANGUAGES = ("en", "zh-TW")
RAW = re.compile(r"\b(procurement_cost_change|fill_rate|min_max|None|nan|NaN)\b")
EMPTY_TABLE = re.compile(r"<thead>.*?</thead><tbody></tbody>")


class _Visible(HTMLParser):
    """The text a reader sees: every text node outside <style> and <script>, by element."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.rows: list[list[str]] = []
        self._skip = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if data.strip():
            self.texts.append(data.strip())
        if self._cell is not None:
            self._cell.append(data)


def visible(page: str) -> _Visible:
    parser = _Visible()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def weekly(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    """One weekly plan on the tiny dataset (seed 0)."""
    from salesflow.data.dataset import load_dataset
    from salesflow.data.generator import generate_dataset, write_dataset
    from salesflow.optimizer.context import PlanningContext
    from salesflow.optimizer.limits import SolveLimits
    from salesflow.optimizer.weekly import run_weekly

    folder = tmp_path_factory.mktemp("tiny-report")
    write_dataset(generate_dataset("tiny", 0), folder, "csv")
    dataset = load_dataset(folder)
    context = PlanningContext.build(dataset, limits=SolveLimits(time_limit_seconds=2))
    return dataset, run_weekly(dataset, context)


@pytest.fixture(scope="module")
def reports(weekly: tuple[Any, Any]) -> dict[str, str]:
    """The report of the plan in each language, as ``weekly`` stores it."""
    from salesflow.optimizer.plan_files import plan_files

    dataset, plan = weekly
    out = {}
    for lang in LANGUAGES:
        set_language(lang)
        out[lang] = plan_files(dataset, plan)[0]["report.html"].decode("utf-8")
    set_language("en")
    return out


def check_report(page: str, kpis: dict[str, Any], lang: str) -> None:
    """What both the fast test and the browser test check on a report page."""
    from salesflow.data.outputs.kpi_text import baseline_rule_named, kpi_cells

    set_language(lang)
    assert f"<html lang='{language_tag()}'" in page or f'<html lang="{language_tag()}"' in page
    seen = visible(page)
    text = "\n".join(seen.texts)
    # the seven KPIs in words, each with its values and units, as kpis.json states them
    rows = {row[0]: row for row in seen.rows if row}
    assert len(kpis["targets"]) == len(KPI_TERMS) == 7
    for target in kpis["targets"]:
        kpi = target["kpi"]
        assert kpi_label(kpi) in rows, (lang, kpi)
        row = rows[kpi_label(kpi)]
        assert row == list(kpi_cells(target)), row
        unit = "%" if KPI_TERMS[kpi].kind == "percent" else kpi_unit(kpi)
        if target["value"] is not None:
            assert row[2] == format_kpi_value(kpi, target["value"]) and unit in row[2]
    cost_change = next(t for t in kpis["targets"] if t["kpi"] == "procurement_cost_change")
    assert rows[kpi_label("procurement_cost_change")][2] == format_percent(
        cost_change["value"], 2)
    # the baseline rule named, no code identifiers or raw numbers in what a reader sees
    assert baseline_rule_named(kpis["purchasing"]["account"]["baseline_rule"]) in text
    assert not RAW.findall(text), RAW.findall(text)
    # one truth: the cost section's figures are the account's
    account = kpis["purchasing"]["account"]
    assert format_number(account["plan"]["net_cost"], 2) in text
    assert format_number(account["baseline"]["net_cost"], 2) in text
    # no bare header: every section has content, no table without rows
    sections = re.findall(r"<section><h2>(.*?)</h2>(.*?)</section>", page, re.S)
    assert len(sections) >= 9
    for title, content in sections:
        assert content.strip() and not EMPTY_TABLE.search(content), title


def test_the_report_reads_in_each_language(reports: dict[str, str],
                                           weekly: tuple[Any, Any]) -> None:
    _dataset, plan = weekly
    for lang, page in reports.items():
        check_report(page, plan.kpis, lang)
    assert reports["en"] != reports["zh-TW"]
    english, chinese = visible(reports["en"]).texts, visible(reports["zh-TW"]).texts
    assert "Targets" in english and "Targets" not in chinese and "目標" in chinese
    assert "採購成本變化" in chinese and "庫存周轉率" in chinese and "次/月" in "".join(chinese)


def test_empty_sections_say_none_in_words(reports: dict[str, str],
                                          weekly: tuple[Any, Any]) -> None:
    _dataset, plan = weekly
    assert plan.forecast.overrides.empty  # no planner changed a forecast on the tiny data
    assert "none: no planner changed a forecast" in visible(reports["en"]).texts
    assert "無：沒有計畫人員調整預測" in visible(reports["zh-TW"]).texts
    served = plan.kpis["routing"]["served"] == plan.kpis["routing"]["stops"]
    assert ("none: every delivery is planned" in visible(reports["en"]).texts) == served


def test_cost_pareto_stock_and_routes_say_what_they_show(reports: dict[str, str],
                                                         weekly: tuple[Any, Any]) -> None:
    from salesflow.data.outputs.kpi_text import baseline_rule_named
    from salesflow.data.outputs.report_routes import day_label

    _dataset, plan = weekly
    page = reports["en"]
    account = plan.kpis["purchasing"]["account"]
    cost = page[page.index("<h2>Cost breakdown</h2>"):page.index("<h2>Where the money goes")]
    assert "symlog" not in cost and "log" not in re.sub(r"<[^>]+>", "", cost).split()
    assert format_number(account["plan"]["purchase"]) in cost  # bar labels, linear scale
    # the Pareto: purchases by supplier over the horizon add up to the account's purchase
    pareto = page[page.index("<h2>Where the money goes"):page.index("<h2>Forecast of")]
    total = sum(line.line_cost for line in plan.purchasing.plan.lines)
    assert total == pytest.approx(account["plan"]["purchase"], abs=0.01)
    assert f"({format_number(total, 2)})" in pareto and "cumulative share" in pareto
    # projected stock: one line for the plan and one for the company's rule
    stock = page[page.index("<h2>Projected stock value</h2>"):page.index("<h2>Routes</h2>")]
    assert stock.count("<path") >= 2 and "plan" in stock
    assert baseline_rule_named(account["baseline_rule"]) in visible(stock).texts
    # route thumbnails: labelled with day, vehicles, stops and km
    routes = page[page.index("<h2>Routes</h2>"):page.index("<h2>Staffing coverage</h2>")]
    for day in plan.kpis["routing"]["days"]:
        caption = visible(routes).texts
        assert any(t.startswith(day_label(day["day"])) and f"{day['km']:,.1f} km" in t
                   for t in caption), day
    assert "<figcaption>" in routes and "class='legend'" in routes


def test_the_terminal_table_uses_the_reports_words(weekly: tuple[Any, Any]) -> None:
    from salesflow.cli.kpi_summary import _kpi_lines
    from salesflow.data.outputs.kpi_text import kpi_cells

    _dataset, plan = weekly
    for lang in LANGUAGES:
        set_language(lang)
        text = "\n".join(_kpi_lines(plan.kpis))
        for target in plan.kpis["targets"]:
            assert "| " + " | ".join(kpi_cells(target)[:5]) + " |" in text
        table = text[text.index("| KPI"):]
        assert not RAW.findall(table) and "order_cycle_days" not in table
    assert "採購成本變化" in text and "公司目前的規則" in text


def test_kpis_json_keeps_english_status_and_adds_codes(weekly: tuple[Any, Any]) -> None:
    from salesflow.data.outputs.kpi_text import STATUS_TEXTS

    _dataset, plan = weekly
    for target in plan.kpis["targets"]:
        assert target["status_code"] in STATUS_TEXTS
        assert isinstance(target["status"], str) and target["status"]
        if target["met"] is not None:
            assert target["status_code"] == ("met" if target["met"] else "missed")
            assert target["status"].startswith(target["status_code"])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_the_report_renders_in_headless_chromium_in_both_languages(
        reports: dict[str, str], weekly: tuple[Any, Any], tmp_path: Path) -> None:
    _dataset, plan = weekly
    for lang, html in reports.items():
        page = tmp_path / f"report-{lang}.html"
        page.write_text(html, encoding="utf-8")
        done = chromium_dom(page, tmp_path / f"profile-{lang}")
        assert done.returncode == 0, done.stderr[-2000:]
        assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
        check_report(done.stdout, plan.kpis, lang)


def test_charts_print_no_missing_glyph_warnings_with_or_without_a_cjk_font(
        weekly: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    from salesflow.data.outputs import report_charts
    from salesflow.data.outputs.report import render_report
    from salesflow.data.outputs.staffing_outputs import coverage_chart_png
    from salesflow.optimizer.report_data import report_data

    dataset, plan = weekly
    installed = report_charts.cjk_font()
    set_language("zh-TW")
    for font in {installed, None}:
        monkeypatch.setattr(report_charts, "cjk_font", lambda font=font: font)
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            page = render_report(report_data(dataset, plan))
            png = coverage_chart_png(plan.staffing.coverage)
        assert "採購成本變化" in page and png.startswith(b"\x89PNG")
