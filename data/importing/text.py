"""Bytes of an exported text file -> text, with the encoding named.

Order of evidence: a byte-order mark (UTF-8, UTF-16 LE/BE as Excel's "Unicode text" writes),
then strict UTF-8, then charset-normalizer restricted to the encodings companies really send
(Big5 as cp950, GB18030, Shift_JIS as cp932, cp1252; it ranks the CJK ones). When a file
decodes both in a CJK encoding and in cp1252, the bytes decide: CJK text has its high bytes
in runs (two a character) that read as ideographs, European text single accented letters
between ASCII ones. ``--encoding`` overrides all of this.
An undecodable byte is reported with its line and the encoding tried, and suggests
``--encoding``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

CANDIDATES = ("cp950", "gb18030", "cp932", "cp1252")
_CJK = ("cp950", "gb18030", "cp932")
_ALIASES = {"big5": "cp950", "big5hkscs": "big5hkscs", "gbk": "gb18030", "gb2312": "gb18030",
            "utf8": "utf-8", "utf-16": "utf-16", "latin1": "cp1252", "windows-1252": "cp1252",
            "shift-jis": "cp932", "sjis": "cp932", "shiftjis": "cp932", "ms932": "cp932"}
_SAMPLE = 4_000_000  # bytes given to charset-normalizer; the whole file is decoded after
_KATAKANA_SAMPLE = 200_000  # bytes looked at for half-width katakana
_HALF_WIDTH_KATAKANA = re.compile("[\uff61-\uff9f]")


@dataclass(frozen=True)
class Decoded:
    """Text of a file and the encoding it was read with (a Python codec name)."""

    text: str
    encoding: str


def normalise_encoding(name: str) -> str:
    """The Python codec for a user-given encoding name (``Big5`` -> ``cp950``).

    Raises
    ------
    InvalidInputError
        If Python knows no such encoding.
    """
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise InvalidInputError([Problem("--encoding", None, None, name,
                                         _("unknown encoding; try utf-8, cp950 (Big5), "
                                           "gb18030, cp1252 or utf-16"))]) from None


def _line_of(data: bytes, start: int, encoding: str) -> int:
    return data[:start].decode(encoding, errors="replace").count("\n") + 1


def decode_as(data: bytes, encoding: str, file: str) -> Decoded:
    """Decode ``data`` with ``encoding``, or name the line and byte that does not fit.

    Raises
    ------
    InvalidInputError
        At the first undecodable byte: file, line, the byte, the encoding tried.
    """
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start, encoding)
        bad = data[exc.start:exc.start + 1].hex()
        raise InvalidInputError([Problem(
            file, line, None, f"0x{bad}",
            _("line {line} (byte {byte}) cannot be read as {encoding}; the file is in another "
              "encoding: give it with --encoding (utf-8, cp950 for Big5, gb18030, cp1252, "
              "utf-16)").format(line=line, byte=exc.start, encoding=encoding))],
            summary=_("{file} is not {encoding} text").format(file=file, encoding=encoding)) \
            from None
    return Decoded(text.removeprefix("\ufeff"), encoding)


def _from_bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is zero."""
    head = data[:2000]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) // 4 and even == 0:
        return "utf-16-le"
    if even > len(head) // 4 and odd == 0:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(data: bytes) -> str:
    """The encoding to read ``data`` with (see the module docstring for the order)."""
    bom = _from_bom(data) or _looks_utf16(data)
    if bom:
        return bom
    if _strict(data, "utf-8"):
        return "utf-8"
    sample = data[:_SAMPLE]
    cut = sample.rfind(b"\n")
    if 0 < cut < len(data) - 1:
        sample = sample[:cut + 1]
    matches = charset_normalizer.from_bytes(sample, cp_isolation=list(CANDIDATES))
    ranked = [m.encoding for m in matches]
    ranked += [c for c in CANDIDATES if c not in ranked]
    decodable = sorted((enc for enc in ranked if _strict(data, enc)),
                       key=lambda enc: _misread_as_katakana(sample, enc))
    if not decodable:
        return ranked[0]
    cjk = [enc for enc in decodable if enc in _CJK]
    if cjk and "cp1252" in decodable:
        return cjk[0] if _cjk_plausible(sample, cjk[0]) else "cp1252"
    return decodable[0]


def _misread_as_katakana(sample: bytes, encoding: str) -> bool:
    """Whether ``sample`` read as ``encoding`` is mostly half-width katakana: what Big5 or
    GB18030 bytes become when read as Shift_JIS (``品號`` as ``ｫ~ｸｹ``); Japanese text writes
    its katakana full width. Such a reading goes after the others (charset-normalizer may
    rank it first: half-width katakana are no chaos to it)."""
    text = sample[:_KATAKANA_SAMPLE].decode(encoding, errors="ignore")
    wide = len(text) - len(text.encode("ascii", errors="ignore"))
    return wide > 0 and len(_HALF_WIDTH_KATAKANA.findall(text)) > 0.2 * wide


def _cjk_plausible(sample: bytes, encoding: str) -> bool:
    """Whether a file that also decodes as cp1252 is CJK text.

    European text has its bytes above 127 as one or two accented letters inside a word
    (``Café``, ``Größe``); CJK text has them in longer runs (GB18030, most of Big5), between
    delimiters, or alone as a Big5 lead byte that cp1252 shows as a symbol (``«``, ``¦``).
    So: CJK unless most high-byte runs look like letters inside a word, and the CJK reading
    is mostly ideographs.
    """
    runs = list(re.finditer(rb"[\x80-\xff]+", sample))
    if not runs:
        return False
    latin = sum(1 for r in runs if _inside_a_word(sample, r))
    if latin > len(runs) / 2:
        return False
    text = sample.decode(encoding, errors="replace")
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return False
    cjk = sum(1 for ch in wide if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return cjk >= 0.9 * len(wide)


def _inside_a_word(sample: bytes, run: re.Match[bytes]) -> bool:
    """A run of at most two high bytes that cp1252 reads as letters, next to an ASCII
    letter (``Größe``, ``Café``)."""
    if len(run.group()) > 2 or not run.group().decode("cp1252", errors="replace").isalpha():
        return False
    before = sample[run.start() - 1:run.start()] if run.start() else b""
    after = sample[run.end():run.end() + 1]
    return before.isalpha() or after.isalpha()


def read_text(data: bytes, file: str, encoding: str | None = None) -> Decoded:
    """Decode an exported file: ``encoding`` if given, else the detected one.

    Raises
    ------
    InvalidInputError
        If a byte does not fit the encoding (the line is named, ``--encoding`` suggested).
    """
    chosen = normalise_encoding(encoding) if encoding else detect_encoding(data)
    return decode_as(data, chosen, file)
