"""The terminal speaks the reader's language: ``--lang``, ``SALESFLOW_LANG``, ``[report] language``
of the dataset and the locale choose it, in that order; a weekly summary in Traditional Chinese
says the same figures as the English one."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from salesflow.cli.main import cli
from salesflow.data.i18n import set_language

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
EN_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}), (\d{4})\b")
ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
ID_OR_RULE = re.compile(r"[A-Za-z_]*\d[\w\-./:]*|[\s|\-:+%.,/()=…]+")


def invoke(*args: object, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner(env={"SALESFLOW_TRACEBACK": "1", **(env or {})})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def chinese(text: str) -> bool:
    return bool(CJK.search(text))


def numbers(text: str) -> Counter[str]:
    """The figures of a text, dates written as ISO dates first, thousands separators and the
    space before % dropped: the same multiset in every language for the same plan."""
    text = EN_DATE.sub(lambda m: f"{m[3]}-{MONTHS.index(m[1]) + 1:02d}-{int(m[2]):02d}", text)
    text = ZH_DATE.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", text)
    return Counter(n.replace(",", "").lstrip("+") for n in NUMBER.findall(text))


def validate_line(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[0]


def with_report_language(folder: Path, language: str) -> None:
    config = folder / "config.toml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r'(?m)^language = "[^"]*"', f'language = "{language}"', text)
    assert count == 1, "the tiny dataset's config.toml has no [report] language line"
    config.write_text(text, encoding="utf-8")


# --- how the language is chosen (validate: one fast command) ---------------------------------

def test_english_by_default(tiny_dir: Path, tmp_path: Path) -> None:
    line = validate_line(invoke("validate", "--data", tiny_dir, "--store", tmp_path / "s"))
    assert line.endswith(": valid.") and not chinese(line)


def test_lang_option_speaks_chinese(tiny_dir: Path, tmp_path: Path) -> None:
    result = invoke("--lang", "zh-TW", "validate", "--data", tiny_dir, "--store", tmp_path / "s")
    assert validate_line(result) == f"{tiny_dir}：有效。"
    assert any(line.startswith("歷史資料 ") for line in result.stdout.splitlines())


def test_environment_variable_speaks_chinese(tiny_dir: Path, tmp_path: Path) -> None:
    result = invoke("validate", "--data", tiny_dir, "--store", tmp_path / "s",
                    env={"SALESFLOW_LANG": "zh-TW"})
    assert validate_line(result) == f"{tiny_dir}：有效。"


def test_dataset_config_speaks_chinese_and_lang_en_overrides_it(tiny_dir: Path,
                                                                tmp_path: Path) -> None:
    with_report_language(tiny_dir, "zh-TW")
    store = tmp_path / "s"
    assert validate_line(invoke("validate", "--data", tiny_dir, "--store", store)) \
        == f"{tiny_dir}：有效。"
    english = validate_line(invoke("--lang", "en", "validate", "--data", tiny_dir,
                                   "--store", store))
    assert english == f"{tiny_dir}: valid."


def test_dataset_config_language_words_the_problems_found_loading_it(
        tiny_dir: Path, tmp_path: Path) -> None:
    with_report_language(tiny_dir, "zh-TW")
    sales = tiny_dir / "sales.csv"
    lines = sales.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("quantity")] = "many"
    sales.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    result = invoke("validate", "--data", tiny_dir, "--store", tmp_path / "s")
    assert result.exit_code == 2
    assert "錯誤" in result.stderr and "第 2 列" in result.stderr and "'many'" in result.stderr
    english = invoke("--lang", "en", "validate", "--data", tiny_dir, "--store", tmp_path / "s")
    assert english.exit_code == 2 and "row 2" in english.stderr and not chinese(english.stderr)


def test_the_locale_alone_speaks_chinese(tiny_dir: Path, tmp_path: Path) -> None:
    result = invoke("validate", "--data", tiny_dir, "--store", tmp_path / "s",
                    env={"LANG": "zh_TW.UTF-8"})
    assert validate_line(result) == f"{tiny_dir}：有效。"


def test_an_unknown_language_is_a_usage_error(tiny_dir: Path, tmp_path: Path) -> None:
    result = invoke("--lang", "de", "validate", "--data", tiny_dir, "--store", tmp_path / "s")
    assert result.exit_code == 2 and "--lang" in result.stderr
    assert "'de' is not one of" in result.stderr  # click's own message names the choices


def test_a_user_error_is_worded_in_the_language(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    english = invoke("validate", "--data", missing, "--store", tmp_path / "s")
    assert english.exit_code == 2 and english.stderr.startswith("Error: ")
    chinese_result = invoke("--lang", "zh-TW", "validate", "--data", missing,
                            "--store", tmp_path / "s")
    assert chinese_result.exit_code == 2 and chinese_result.stderr.startswith("錯誤：")
    assert str(missing) in chinese_result.stderr


def test_json_keeps_its_keys_and_numbers_in_chinese(tiny_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "s"
    english = json.loads(invoke("validate", "--data", tiny_dir, "--store", store,
                                "--json").stdout)
    zh = json.loads(invoke("--lang", "zh-TW", "validate", "--data", tiny_dir, "--store", store,
                           "--json").stdout)
    assert zh.keys() == english.keys() and zh["tables"] == english["tables"]
    assert zh["history"] == english["history"] and zh["plan_week"] == english["plan_week"]


# --- one weekly plan, summarised in both languages -------------------------------------------

@pytest.fixture(scope="module")
def weekly_zh(tiny_master: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, Path, str]:
    """The tiny dataset planned once with ``--lang zh-TW``: (data, store, terminal summary)."""
    root = tmp_path_factory.mktemp("weekly-zh")
    data, store = root / "data", root / "store"
    shutil.copytree(tiny_master, data)
    set_language("en")
    result = invoke("--lang", "zh-TW", "weekly", "--data", data, "--store", store,
                    "--time-limit", "2", env={"LANG": "C.UTF-8"})
    set_language("en")
    assert result.exit_code == 0, result.output
    return data, store, result.stdout


def _is_only_figures(line: str) -> bool:
    """A line of numbers, ids (``2026-W48``, ``S0001``) and table rules only."""
    return not ID_OR_RULE.sub("", line).strip()


def test_weekly_summary_is_chinese_on_every_line(weekly_zh: tuple[Path, Path, str]) -> None:
    _data, store, text = weekly_zh
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) >= 8
    english = [line for line in lines if not chinese(line) and not _is_only_figures(line)]
    assert not english, "lines without Chinese text:\n" + "\n".join(english)
    first = lines[0]
    assert first.startswith("2026-W48（2026年11月23日 當週）的計畫 1 已儲存")
    assert first.endswith(str(store / "plans" / "1"))


def test_weekly_summary_states_the_same_figures_in_both_languages(
        weekly_zh: tuple[Path, Path, str]) -> None:
    """The zh-TW summary printed by weekly and the English and zh-TW ``plans show`` of the same
    stored plan carry the same numbers (locale formatting only)."""
    _data, store, text = weekly_zh
    english = invoke("--lang", "en", "plans", "show", "1", "--store", store)
    zh = invoke("--lang", "zh-TW", "plans", "show", "1", "--store", store)
    assert english.exit_code == 0 and zh.exit_code == 0
    assert not chinese(english.stdout) and chinese(zh.stdout)
    assert numbers(english.stdout) == numbers(zh.stdout)
    assert sum(numbers(english.stdout).values()) > 40  # the KPI lines, not just the header
    # weekly's own lines: the header (plan id, week, its Monday, the folder), then the same KPI
    # lines plans show ends with, then the run's stage timings (weekly only: "執行：")
    lines = text.splitlines()
    header, *kpi_lines = lines[:lines.index("執行：")]
    assert numbers(header) == numbers(f"2026-W48 2026-11-23 1 {store / 'plans' / '1'}")
    tail = zh.stdout.splitlines()[-len(kpi_lines):]
    assert tail == kpi_lines
    english_tail = english.stdout.splitlines()[-len(kpi_lines):]
    assert numbers("\n".join(english_tail)) == numbers("\n".join(kpi_lines))


# --- the other commands' own lines ------------------------------------------------------------

def _chinese_on_every_line(text: str) -> list[str]:
    """Lines with words but no Chinese (file names, ids and figures alone are fine)."""
    return [line for line in text.splitlines()
            if line.strip() and not chinese(line) and not _is_only_figures(line)
            and not re.fullmatch(r"\s*[\w./-]+( -> [\w./-]+)?\s*", line)]


@pytest.mark.parametrize("command", [
    ("accuracy", "--data", "{data}", "--store", "{store}", "--out", "{tmp}/accuracy.html"),
    ("forecast", "--data", "{data}", "--out", "{tmp}/forecast.csv"),
    ("orders", "list", "--store", "{store}"),
    ("store", "upgrade", "--store", "{store}"),
    ("store", "backup", "--store", "{store}", "--to", "{tmp}/copy.db"),
    ("template", "{tmp}/template"),
    ("validate", "--data", "{data}", "--store", "{store}"),
], ids=lambda c: " ".join(c[:2]))
def test_the_commands_own_lines_are_chinese(command: tuple[str, ...], tmp_path: Path,
                                           weekly_zh: tuple[Path, Path, str]) -> None:
    data, store, _text = weekly_zh
    args = [a.format(data=data, store=store, tmp=tmp_path) for a in command]
    result = invoke("--lang", "zh-TW", *args)
    assert result.exit_code == 0, result.output
    assert chinese(result.stdout)
    assert not _chinese_on_every_line(result.stdout), result.stdout
