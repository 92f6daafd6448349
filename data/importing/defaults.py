"""The stated defaults an import uses for master data a company does not have.

They are the ``[import]`` section of ``config.toml``: read from ``--config`` (any TOML file with
that section, e.g. an earlier import's ``config.toml``) and written into the new dataset's
``config.toml``, so the values assumed are visible and can be changed; every value actually
used is listed in ``assumptions.csv``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from salesflow.data.dataset.config import ImportSection, parse_config
from salesflow.data.errors import InvalidInputError, Problem
from salesflow.data.i18n import _

ImportDefaults = ImportSection
"""The defaults an import assumes: the ``[import]`` section of ``config.toml``, declared once in
:class:`salesflow.data.dataset.config.ImportSection` (keys, defaults, bounds, meaning)."""


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML file at ``path`` (BOM allowed).

    Raises
    ------
    InvalidInputError
        If it cannot be read or is not valid TOML.
    """
    file = str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("cannot be read: {error}").format(
                                             error=exc.strerror))]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError([Problem(file, None, None, None,
                                         _("not a valid TOML file: {error}").format(
                                             error=exc))]) from None


def read_defaults(path: Path | None) -> ImportDefaults:
    """The ``[import]`` section of ``path`` (all defaults when ``None`` or absent).

    Raises
    ------
    InvalidInputError
        If the file does not parse, or a key is unknown or of the wrong type.
    """
    if path is None:
        return ImportDefaults()
    config, problems = parse_config({"import": read_toml(path).get("import", {})}, str(path))
    if problems:
        raise InvalidInputError(problems)
    return config.import_
