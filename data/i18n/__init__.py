"""The reader's language: gettext catalogs (through Babel) and locale-aware numbers and dates.

Every user-visible text goes through :func:`gettext` (imported as ``_``)::

    from salesflow.data.i18n import _
    raise UserError(_("plan {plan_id} not found in {store}").format(plan_id=7, store=url))

Texts defined at import time (module constants, table headers) are marked with :func:`N_`
and translated where they are shown: ``_(HEADER)``. Placeholders are named (``{sku}``), never
positional, so that a translation may put them in another order.

Catalogs live in ``locale/<language>/LC_MESSAGES/*.po``, one file per area (``cli.po``,
``errors.po``, ``report.po``, ...); all files of a language are merged into one
:class:`babel.support.Translations` when the language is first used. English is the source
language: it has no catalog. File names and column names in CSV and JSON files stay English
identifiers whatever the language, so that scripts keep working.

The language is chosen once per command (:func:`set_language`): ``--lang`` (or
``SALESFLOW_LANG``), else ``[report] language`` of the dataset's ``config.toml``, else the
locale of the environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import io
import os
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
"""Where the catalogs are: ``LOCALE_DIR/<language>/LC_MESSAGES/<area>.po``."""

LANGUAGES: dict[str, str] = {"en": "English", "zh_TW": "繁體中文"}
"""The languages salesflow speaks, by Babel locale identifier, each named in itself."""

LANGUAGE_CHOICES = ("en", "zh-TW")
"""How users spell them on the command line and in ``config.toml``."""

DEFAULT_LANGUAGE = "en"

_current = DEFAULT_LANGUAGE


class UnknownLanguageError(ValueError):
    """A language salesflow has no catalog for."""


def normalize_language(tag: str) -> str:
    """``"zh-TW"``, ``"zh_TW.UTF-8"``, ``"zh-Hant"``, ``"zh_HK"`` → ``"zh_TW"``; ``"en_US"``,
    ``"C"``, ``"POSIX"`` → ``"en"``. Raises :class:`UnknownLanguageError` for anything else."""
    text = tag.strip().split(".")[0].split("@")[0].replace("-", "_")
    low = text.lower()
    if low in ("", "c", "posix") or low == "en" or low.startswith("en_"):
        return "en"
    if low in ("zh_tw", "zh_hant", "zh_hk", "zh_mo") or low.startswith("zh_hant"):
        return "zh_TW"
    raise UnknownLanguageError(
        f"unknown language {tag!r}: choose one of {', '.join(LANGUAGE_CHOICES)}")


def environment_language() -> str:
    """The language of the environment's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), or
    English when it is unset or not one salesflow speaks."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            try:
                return normalize_language(value)
            except UnknownLanguageError:
                return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def set_language(tag: str | None) -> str:
    """Speak ``tag`` from now on (``None``: the environment's); returns the Babel identifier."""
    global _current
    _current = environment_language() if tag is None else normalize_language(tag)
    return _current


def language() -> str:
    """The current language as a Babel identifier (``"en"`` or ``"zh_TW"``)."""
    return _current


def language_tag(lang: str | None = None) -> str:
    """The current (or given) language as an HTML/BCP 47 tag: ``"en"`` or ``"zh-Hant-TW"``."""
    return {"en": "en", "zh_TW": "zh-Hant-TW"}[lang or _current]


def catalog_files(lang: str) -> list[Path]:
    """The ``.po`` files of ``lang``, sorted by name."""
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))


@cache
def translations(lang: str) -> gettext_module.NullTranslations:
    """All catalogs of ``lang`` merged into one :class:`babel.support.Translations`
    (compiled in memory from the ``.po`` files; fuzzy entries are left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    merged: NullTranslations | Translations = NullTranslations()
    for path in catalog_files(lang):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(fp=buffer)
        if isinstance(merged, Translations):
            merged.merge(part)
        else:
            merged = part
    return merged


def gettext(message: str) -> str:
    """``message`` in the current language (itself when English or untranslated)."""
    if _current == "en":
        return message
    return str(translations(_current).gettext(message))


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the current language."""
    if _current == "en":
        return singular if n == 1 else plural
    return str(translations(_current).ngettext(singular, plural, n))


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (module constants)."""
    return message


def format_number(value: float, digits: int = 0) -> str:
    """``1234.5`` → ``"1,234.5"`` with ``digits`` decimals, in the current locale."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_current))


def format_percent(fraction: float, digits: int = 1, signed: bool = False) -> str:
    """``-0.0205`` → ``"-2.1 %"`` (English) / ``"-2.1%"`` (zh-TW); ``signed`` adds ``+``."""
    from babel.numbers import format_percent as babel_percent

    pattern = ("+" if signed and fraction > 0 else "") + "#,##0" + (
        "." + "0" * digits if digits > 0 else "") + "%"
    text = str(babel_percent(fraction, format=pattern, locale=_current))
    return text.replace("%", " %") if _current == "en" else text


def format_date(value: dt.date, style: str = "medium") -> str:
    """A date in the current locale (``"Dec 4, 2026"``, ``"2026年12月4日"``)."""
    from babel.dates import format_date as babel_date

    return str(babel_date(value, format=style, locale=_current))


def format_weekday(value: dt.date, width: str = "abbreviated") -> str:
    """The weekday of ``value`` in the current locale (``"Mon"``, ``"週一"``)."""
    from babel.dates import format_date as babel_date

    pattern = {"abbreviated": "EEE", "wide": "EEEE"}[width]
    return str(babel_date(value, format=pattern, locale=_current))
