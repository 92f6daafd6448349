"""Numbers as spreadsheets write them: ``1.234,50``, ``1,234.50``, ``12%``, ``NT$ 1,200``,
``(5)`` and SAP's trailing minus ``5-``.

The decimal mark is decided once per column from all its values (a value with both marks
settles it: the last one is the decimal mark; a comma followed by other than three digits is a
decimal comma; otherwise the file's hint, a ``;``-delimited file meaning decimal commas).
Each distinct text is parsed once, so a million cells with a few thousand distinct values
cost little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

_CURRENCY = re.compile(r"(?i)(NT\$|US\$|HK\$|RMB|TWD|NTD|USD|EUR|GBP|CNY|JPY|[$€£¥元￥])")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_BOTH_COMMA_LAST = re.compile(r"\.\d{3}.*,\d*$|^\d+\.\d{3},")
_COMMA_DECIMAL = re.compile(r",(\d{1,2}|\d{4,})$")
_COMMA_GROUPS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")


@dataclass(frozen=True)
class Numbers:
    """A parsed column: float values (NaN where blank or bad), the bad mask, the decimal
    mark used (``"."`` or ``","``) and whether any value carried a percent sign."""

    values: np.ndarray
    bad: np.ndarray
    decimal: str
    percent: bool


def _clean(text: str) -> tuple[str, bool, bool]:
    """Text without currency, spaces and sign decorations; (text, negative, percent)."""
    s = _SPACES.sub("", _CURRENCY.sub("", text))
    negative = False
    if s.startswith("(") and s.endswith(")"):
        s, negative = s[1:-1], True
    if s.endswith("-") and len(s) > 1:
        s, negative = s[:-1], not negative
    if s.startswith("-"):
        s, negative = s[1:], not negative
    elif s.startswith("+"):
        s = s[1:]
    percent = s.endswith("%")
    return s.rstrip("%"), negative, percent


def decide_decimal(texts: list[str], hint: str = ".") -> str:
    """The decimal mark of a column's values, ``"."`` or ``","``."""
    votes_comma = votes_point = 0
    for text in texts:
        s, _, _ = _clean(text)
        if "," in s and "." in s:
            if s.rfind(",") > s.rfind("."):
                votes_comma += 1
            else:
                votes_point += 1
        elif "," in s:
            if s.count(",") > 1 or _COMMA_GROUPS.match(s):
                if s.count(",") > 1:
                    votes_point += 1  # 1,234,567: commas group thousands
                elif not _COMMA_DECIMAL.search(s):
                    continue  # 1,234: either; the hint decides
            else:
                votes_comma += 1
        elif s.count(".") > 1:
            votes_comma += 1  # 1.234.567: points group thousands
        elif "." in s and not re.search(r"\.\d{3}$", s):
            votes_point += 1  # 2.5: a decimal point (1.234 could be either)
    if votes_comma and not votes_point:
        return ","
    if votes_point and not votes_comma:
        return "."
    if votes_comma and votes_point:
        return "," if votes_comma > votes_point else "."
    return hint


def _one(text: str, decimal: str) -> float:
    s, negative, percent = _clean(text)
    s = s.replace(".", "").replace(",", ".") if decimal == "," else s.replace(",", "")
    if not s or not re.fullmatch(r"\d*\.?\d*(e[+-]?\d+)?", s, flags=re.IGNORECASE):
        return np.nan
    try:
        value = float(s)
    except ValueError:
        return np.nan
    if percent:
        value /= 100.0
    return -value if negative else value


def parse_numbers(text: pd.Series, hint: str = ".", decimal: str | None = None) -> Numbers:
    """Parse a column of text cells (blank = ``""``) as numbers.

    ``decimal`` forces the decimal mark; otherwise it is decided from the values and ``hint``.
    """
    codes, uniques = pd.factorize(text.astype(str), sort=False)
    distinct = [str(u).strip() for u in uniques]
    mark = decimal or decide_decimal([u for u in distinct if u], hint)
    parsed = np.array([_one(u, mark) if u else np.nan for u in distinct] + [np.nan],
                      dtype=np.float64)
    blank_code = np.array([u == "" for u in distinct] + [True], dtype=bool)
    values = parsed[codes]  # code -1 (missing) takes the trailing NaN
    blank = blank_code[codes]
    bad = ~blank & ~np.isfinite(values)
    percent = any(u.endswith("%") for u in distinct)
    return Numbers(values, bad, mark, percent)


def format_number(value: float, decimal: str = ".", thousands: str = "") -> str:
    """Write ``value`` the way a spreadsheet might (the inverse of :func:`parse_numbers`,
    used by tests and the benchmark's generator)."""
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    if thousands:
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        whole = thousands.join(groups)
    return f"{sign}{whole}{decimal}{frac}"
