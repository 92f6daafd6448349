"""Error messages in the reader's language: with ``--lang zh-TW`` a broken dataset, config or
import file is reported in Traditional Chinese, still naming file, row, column and value, with
exit code 2; English stays as it was; ``--json`` keeps its keys and numbers; and every rule
the loader can produce on generated bad datasets is translated."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from dataset_strategies import datasets, write_dataset
from helpers import edit_table, set_cell
from hypothesis import HealthCheck, given, settings

from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.schema import TABLES
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import set_language

ZH = ["--lang", "zh-TW"]


def _break_tiny(folder: Path) -> None:
    """A non-numeric quantity (sales line 2), an unknown SKU (sales line 3), a bad config
    value."""
    edit_table(folder, "sales", set_cell("quantity", "x", row=0))
    edit_table(folder, "sales", set_cell("sku", "NO-SUCH-SKU", row=1))
    config = folder / "config.toml"
    text = re.sub(r"(?m)^average_speed_kmh = .*$", "average_speed_kmh = -5",
                  config.read_text(encoding="utf-8"))
    assert "average_speed_kmh = -5" in text
    config.write_text(text, encoding="utf-8")


def test_validate_speaks_zh_tw_naming_file_row_column_value(
        run_cli: Callable[..., object], tiny_dir: Path) -> None:
    _break_tiny(tiny_dir)
    result = run_cli(*ZH, "validate", "--data", tiny_dir)
    assert result.exit_code == 2
    err = result.stderr
    sales = str(tiny_dir / "sales.csv")
    assert f"{sales}，第 2 列，欄位 quantity：值 'x'：必須是數字" in err
    assert f"{sales}，第 3 列，欄位 sku：值 'NO-SUCH-SKU'：未知的 sku：不在 " in err
    assert "config.toml，設定鍵 routing.average_speed_kmh：值 '-5'：必須 >= 1" in err
    assert "must be a number" not in err and "unknown sku" not in err
    assert "Traceback" not in err


def test_validate_in_english_is_unchanged(run_cli: Callable[..., object],
                                          tiny_dir: Path) -> None:
    _break_tiny(tiny_dir)
    result = run_cli("validate", "--data", tiny_dir)
    assert result.exit_code == 2
    err = result.stderr
    sales = str(tiny_dir / "sales.csv")
    assert f"{sales}, row 2, column quantity: value 'x': must be a number" in err
    assert f"{sales}, row 3, column sku: value 'NO-SUCH-SKU': unknown sku: not in " in err
    assert "config.toml, key routing.average_speed_kmh: value '-5': must be >= 1" in err
    assert re.search(r"\d+ problems in the input|has problems", err)


def test_json_errors_keep_keys_and_numbers_in_zh_tw(run_cli: Callable[..., object],
                                                    tiny_dir: Path) -> None:
    _break_tiny(tiny_dir)
    english = json.loads(run_cli("validate", "--data", tiny_dir, "--json").stdout)
    chinese = json.loads(run_cli(*ZH, "validate", "--data", tiny_dir, "--json").stdout)
    assert chinese.keys() == english.keys()
    assert chinese["ok"] is False and chinese["exit_code"] == english["exit_code"] == 2
    assert len(chinese["problems"]) == len(english["problems"]) >= 3
    for zh, en in zip(chinese["problems"], english["problems"], strict=True):
        assert zh.keys() == en.keys() == {"file", "row", "column", "value", "rule"}
        assert (zh["file"], zh["row"], zh["column"], zh["value"]) == \
            (en["file"], en["row"], en["column"], en["value"])
    rules = {p["column"]: p["rule"] for p in chinese["problems"]}
    assert rules["quantity"] == "必須是數字"
    assert rules["routing.average_speed_kmh"] == "必須 >= 1"
    assert "有問題" in chinese["error"]


def test_import_reports_a_bad_file_in_zh_tw(run_cli: Callable[..., object],
                                            tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("order_id,order_date,customer_id,sku,quantity,unit_price\n"
                   "1,13/1/2026,c,x,1,2\n2,2026-01-14,c,x,1,2\n3,yesterday,c,x,1,2\n",
                   encoding="utf-8")
    result = run_cli(*ZH, "import", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    err = result.stderr
    assert f"{src}，第 4 列，欄位 order_date：值 'yesterday'：" in err
    assert "order_date 有 1 格不是日期（第 4 列）" in err
    assert "必須和其他日期一樣寫成 D/M/YYYY" in err
    assert "看到的格式" in err and "其他文字（1 格）" in err
    assert "无法" not in err  # Traditional, not Simplified
    english = run_cli("import", src, "--out", tmp_path / "out-en")
    assert english.exit_code == 2
    assert "1 cell(s) of order_date are not dates (row 4)" in english.stderr


# ----------------------------------------------------------- every loader rule translated

QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
LIBRARY_TAIL = re.compile(r"(無法以 ?[^：]*讀取|無法讀取|不是有效的 TOML(?: 檔案)?)：.*$")
"""A translated prefix followed by the text of a library's own exception (pandas, openpyxl,
tomllib): that tail is the library's, not salesflow's, and stays as the library wrote it."""
ENGLISH_RUN = re.compile(r"(?<![\w/.;:-])[A-Za-z]+(?: [A-Za-z]+){2,}(?![\w/.;-])")
"""Three or more ASCII words in a row separated by single spaces: a phrase left in English."""


def english_left(problem: Problem) -> str | None:
    """The English phrase left in ``problem.rule`` once quoted text, the offending value,
    the names of the dataset's tables and columns and a library's own message are taken out;
    ``None`` when there is none."""
    text = LIBRARY_TAIL.sub("", problem.rule)
    for known in (problem.value, problem.column, problem.file):
        if known:
            text = text.replace(known, " ")
    text = QUOTED.sub(" ", text)
    names = set(TABLES) | {c.name for t in TABLES.values() for c in t.columns}
    text = " ".join("·" if word in names else word for word in text.split(" "))
    found = ENGLISH_RUN.search(text)
    return found.group(0) if found else None


def test_english_left_is_found_and_identifiers_are_not() -> None:
    def problem(rule: str, value: str | None = None) -> Problem:
        return Problem("sales.csv", 2, "quantity", value, rule)

    assert english_left(problem("must be a number")) == "must be a number"
    assert english_left(problem("必須是數字")) is None
    assert english_left(problem("未知的 sku：不在 /tmp/x/skus.csv 中")) is None
    assert english_left(problem("{a} 與 b：值 'Foo bar baz'")) is None
    assert english_left(problem("無法以 CSV 讀取：Error tokenizing data here")) is None
    assert english_left(problem("值為 abc def ghi", value="abc def ghi")) is None
    assert english_left(problem("缺少欄位 order_id（找到：order id, sku, qty）")) is None


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(text=datasets())
def test_every_loader_rule_is_translated(text: object) -> None:
    set_language("zh-TW")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            write_dataset(text, Path(tmp))  # type: ignore[arg-type]
            try:
                load_dataset(Path(tmp))
            except InvalidInputError as exc:
                left = [(english_left(p), str(p)) for p in exc.problems]
                assert not [x for x in left if x[0]], left[:5]
                assert re.search(r"[\u4e00-\u9fff]", exc.summary), exc.summary
    finally:
        set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_problem_frame_names_the_place_in_both_languages(lang: str) -> None:
    set_language(lang)
    row = Problem("sales.csv", 12, "quantity", "x", "R")
    key = Problem("config.toml", None, "routing.average_speed_kmh", "-5", "R")
    file_only = Problem("sales.csv", None, None, None, "R")
    if lang == "en":
        assert str(row) == "sales.csv, row 12, column quantity: value 'x': R"
        assert str(key) == "config.toml, key routing.average_speed_kmh: value '-5': R"
        assert str(file_only) == "sales.csv: R"
        assert InvalidInputError([row]).summary == "1 problem in the input"
    else:
        assert str(row) == "sales.csv，第 12 列，欄位 quantity：值 'x'：R"
        assert str(key) == "config.toml，設定鍵 routing.average_speed_kmh：值 '-5'：R"
        assert str(file_only) == "sales.csv：R"
        assert InvalidInputError([row, key]).summary == "輸入中有 2 個問題"


def test_stale_data_is_refused_in_zh_tw_naming_the_option(run_cli: Callable[..., object],
                                                         tiny_dir: Path) -> None:
    result = run_cli(*ZH, "forecast", "--data", tiny_dir, "--week", "2027-W10")
    assert result.exit_code == 2
    assert f"銷售歷史（{tiny_dir / 'sales.csv'}）結束於 " in result.stderr
    assert "計畫週 2027-W10 從 2027-03-08 開始" in result.stderr
    assert "--allow-stale" in result.stderr and "[data] max_days_since_last_sale" in result.stderr
