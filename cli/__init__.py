"""The ``salesflow`` command line (DESIGN §2): click commands that parse options, call the
packages, print and set the exit code. :data:`cli` is the root click group (for
``click.testing.CliRunner``), loaded on first use; the console script is
``salesflow.cli.main:main`` (not re-exported: the name is also that module's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.cli.main import cli
else:
    __getattr__, __dir__ = lazy_exports(__name__, {"cli": "main"})

__all__ = ["cli"]
