"""The zh-TW catalog is complete: every message marked for translation in the package
(``_("...")``, ``N_("...")``, ``ngettext``) has a translation with the same placeholders, no
catalog entry is left over, and the language is chosen as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import salesflow
from salesflow.data.i18n import (
    LOCALE_DIR,
    catalog_files,
    language,
    normalize_language,
    set_language,
)

PACKAGE = Path(salesflow.__file__).parent
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}
METHODS = [("tests/**", "ignore"), ("benchmarks/**", "ignore"), ("**.py", "python")]
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[:!][^}]*)?\}(?!\})")


def _source_messages() -> dict[str, list[str]]:
    """msgid → where it is used (``file:line``); plurals give both forms."""
    found: dict[str, list[str]] = {}
    for file, line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=METHODS, keywords=KEYWORDS, comment_tags=(),
            strip_comment_tags=True):
        forms = message if isinstance(message, tuple) else (message,)
        for form in forms:
            if form:
                found.setdefault(form, []).append(f"{file}:{line}")
    return found


def _catalog(lang: str) -> dict[str, tuple[str, ...]]:
    """msgid → its translations (one per plural form) over every .po of ``lang``."""
    entries: dict[str, tuple[str, ...]] = {}
    for path in catalog_files(lang):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                strings = ("",)
            for msgid in ids:
                entries[msgid] = tuple(strings)
    return entries


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_marked_message_has_a_zh_tw_translation() -> None:
    source = _source_messages()
    catalog = _catalog("zh_TW")
    assert len(source) >= 20, "no messages found: extraction is broken"
    missing = [f"{msgid!r} ({places[0]})" for msgid, places in sorted(source.items())
               if not all(catalog.get(msgid, ("",)))]
    assert not missing, f"{len(missing)} messages without a zh-TW translation:\n" + "\n".join(
        missing[:50])


def test_translations_keep_the_placeholders() -> None:
    wrong = []
    for msgid, strings in _catalog("zh_TW").items():
        for string in strings:
            if string and _placeholders(string) != _placeholders(msgid):
                wrong.append(f"{msgid!r} → {string!r}")
    assert not wrong, "\n".join(wrong)


def test_no_catalog_entry_is_left_over() -> None:
    source = _source_messages()
    stale = sorted(set(_catalog("zh_TW")) - set(source))
    assert not stale, f"{len(stale)} zh-TW entries no code uses any more: {stale[:20]}"


def test_catalog_files_agree_where_they_repeat_a_message() -> None:
    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for path in catalog_files("zh_TW"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="zh_TW"):
                if not message.id or isinstance(message.id, tuple):
                    continue
                if message.id in seen and seen[message.id][0] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id][1].name} vs {path.name}")
                seen[message.id] = (str(message.string), path)
    assert not clashes, "\n".join(clashes)


def test_no_formatted_string_is_looked_up() -> None:
    """``_(f"...")`` can never be found in a catalog: the text must be a literal with named
    placeholders, formatted after the lookup."""
    pattern = re.compile(r"\b(?:_|N_|gettext)\(\s*[rRbB]?[fF][\"']")
    bad = [f"{path.relative_to(PACKAGE)}:{number}"
           for path in PACKAGE.rglob("*.py")
           if "tests" not in path.parts and "benchmarks" not in path.parts
           for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
           if pattern.search(line)]
    assert not bad, bad


@pytest.mark.parametrize(("tag", "expected"), [
    ("zh-TW", "zh_TW"), ("zh_TW.UTF-8", "zh_TW"), ("zh-Hant", "zh_TW"), ("en", "en"),
    ("en_US.UTF-8", "en"), ("C", "en"), ("POSIX", "en")])
def test_language_tags_are_understood(tag: str, expected: str) -> None:
    assert normalize_language(tag) == expected


def test_the_locale_chooses_when_nothing_else_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert set_language(None) == "zh_TW"
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # a language salesflow does not speak
    assert set_language(None) == "en"
    assert language() == "en"


def test_locale_folder_ships_with_the_package() -> None:
    assert LOCALE_DIR.is_dir() and catalog_files("zh_TW")
