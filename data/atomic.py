"""Writing files so that a crash never leaves half of them: the one atomic-write helper.

Every durable write of salesflow goes through here: the output writers (one file, or several
files into a folder) and the plan store (a whole folder of files put in place, or replacing an
older one, in step with a database transaction). The recipe is always the same: write under a
temporary name in the destination folder, ``fsync`` the files, rename into place, ``fsync``
the folder; on any error, exception or Ctrl-C, remove what was written and put back what was
moved aside.

It lives at the root of :mod:`salesflow.data`, not in :mod:`salesflow.data.store` or
:mod:`salesflow.data.outputs`, because both rooms use it and neither should import the other.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

TMP_PREFIX = ".tmp-"
"""Name prefix of the temporary folders of :func:`staged_folder` (``<prefix><hex>``)."""


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (names created, renamed, removed) to disk.

    Does nothing where folders cannot be opened or synced (Windows, some file systems).
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def regular_file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give: 0o666 less the process umask
    (``mkstemp`` creates 0o600 files, which other users of the exports could not read)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def remove_path(path: Path) -> None:
    """Remove a file or folder tree if present; log (never raise) when that fails."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    except OSError as exc:
        logger.warning("could not remove %s: %s", path, exc)


def _write_temp(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` durably to a new temporary file in ``folder`` (regular permissions)."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    path = Path(tmp)
    try:
        os.fchmod(fd, regular_file_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a
    partial one (temporary file in the same folder, fsync, rename).

    Raises
    ------
    OSError
        If the folder cannot be written; nothing is left behind then.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(target.parent, target.name, data)
    try:
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return target


def write_files_atomically(folder: str | os.PathLike[str],
                           files: Mapping[str, bytes]) -> list[Path]:
    """Write several files into ``folder``: all are written to temporary names first and only
    then renamed into place, so an error or Ctrl-C while writing leaves the old files.

    Raises
    ------
    OSError
        If the folder cannot be written; the temporary files are removed then.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            staged.append((_write_temp(target, name, data), target / name))
        for tmp, final in staged:
            tmp.replace(final)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target)
    return [final for _, final in staged]


def write_folder(folder: Path, files: Iterable[tuple[str, bytes]]) -> None:
    """Create ``folder`` (which must not exist; its parents may) and write ``files`` into it
    durably: every file and then the folder itself are fsynced.

    ``files`` are ``(plain file name, content)`` pairs; a name given twice is an error.

    Raises
    ------
    FileExistsError
        ``folder`` or one of the files already exists.
    OSError
        Writing failed; what was written so far is left for the caller to remove.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir()
    for name, content in files:
        with (folder / name).open("xb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    fsync_dir(folder)


@dataclass
class FolderSwap:
    """A folder of files written under a temporary name, waiting to be put in place.

    Made by :func:`staged_folder`, which rolls everything back if its block fails.

    Attributes
    ----------
    staging:
        The temporary folder holding the new files.
    backup:
        Where :meth:`install` moves an existing folder aside.
    """

    staging: Path
    backup: Path
    target: Path | None = None
    installed: bool = False
    backed_up: bool = False

    def install(self, target: Path) -> Path:
        """Put the staged folder at ``target`` (beside it), moving an existing one aside.

        Raises
        ------
        ValueError
            ``target`` is not in the staging folder's parent (a rename would not be atomic).
        OSError
            A rename failed; the block's rollback then restores the previous state.
        """
        if target.parent != self.staging.parent:
            raise ValueError(f"{target} is not beside the staged folder {self.staging}")
        self.target = target
        if target.exists() or target.is_symlink():
            target.replace(self.backup)
            self.backed_up = True
        self.staging.replace(target)
        self.installed = True
        fsync_dir(target.parent)
        return target

    def roll_back(self) -> None:
        """Remove the new folder (installed or not) and put the moved-aside one back."""
        remove_path(self.target if self.installed and self.target is not None else self.staging)
        if self.backed_up and self.target is not None:
            self.backup.replace(self.target)
            self.backed_up = False

    def finish(self) -> None:
        """Keep the new folder: remove the moved-aside one, if any."""
        if self.backed_up:
            remove_path(self.backup)
        if not self.installed:
            remove_path(self.staging)


@contextmanager
def staged_folder(
    parent: Path,
    files: Iterable[tuple[str, bytes]],
    *,
    prefix: str = TMP_PREFIX,
    remove_new_parent: bool = False,
) -> Iterator[FolderSwap]:
    """Write ``files`` into a new temporary folder in ``parent`` and yield it as a
    :class:`FolderSwap`; the block calls :meth:`FolderSwap.install` when the folder may
    appear under its final name (inside a database transaction, for instance).

    If the block ends normally, the new folder stays and any folder it replaced is removed
    (a block that never installed removes its staging folder). If the block raises anything
    (an error, ``KeyboardInterrupt``, a failed commit), the new folder is removed, the old
    one is put back, and the exception propagates. With ``remove_new_parent``, ``parent`` is
    also removed then if this call created it and it is empty.

    Raises
    ------
    OSError
        Writing the files failed (nothing is left behind then).
    """
    new_parent = not parent.exists()
    swap = FolderSwap(staging=parent / f"{prefix}{uuid.uuid4().hex}",
                      backup=parent / f"{prefix}{uuid.uuid4().hex}")
    try:
        write_folder(swap.staging, files)
        yield swap
    except BaseException:
        swap.roll_back()
        if remove_new_parent and new_parent:
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise
    swap.finish()
