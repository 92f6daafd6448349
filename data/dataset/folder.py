"""Writing a dataset folder so that it appears whole or not at all (``salesflow init`` and
``salesflow template``)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from salesflow.data.dataset.readers import FORMATS
from salesflow.data.dataset.schema import TABLES
from salesflow.data.errors import UserError
from salesflow.data.i18n import _


def check_target(folder: Path, force: bool) -> None:
    """Refuse a ``folder`` that is a file, or that has contents without ``force``.

    Raises
    ------
    UserError
        With what is wrong and what to do.
    """
    if folder.exists() and not folder.is_dir():
        raise UserError(_("{folder} exists and is not a folder").format(folder=folder))
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UserError(_("{folder} is not empty; choose another folder or pass --force").format(
            folder=folder))


def write_dataset_folder(folder: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Call ``write(tmp)`` on a new folder beside ``folder`` and move what it wrote in.

    A new ``folder`` appears complete or not at all (a rename). Into an existing one (``--force``)
    every table file in any format is removed first, so that no table stays behind in another
    format, then the new files are moved in.

    Returns
    -------
    list[Path]
        The files written, as named inside ``folder``.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{folder.name}.tmp-") as tmp:
        staged = Path(tmp) / "data"
        written = write(staged)
        if not folder.exists():
            staged.replace(folder)
        else:
            for name in TABLES:
                for other in FORMATS:
                    (folder / f"{name}.{other}").unlink(missing_ok=True)
            for path in written:
                shutil.move(str(path), folder / path.name)
    return [folder / path.name for path in written]
