"""The one atomic-write helper (salesflow.data.atomic): folders put in place or rolled back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from salesflow.data import atomic
from salesflow.data.atomic import staged_folder, write_folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_staged_folder_replaces_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "out" / "7"
    write_folder(target, [("a.csv", b"old"), ("gone.txt", b"x")])
    with staged_folder(target.parent, [("a.csv", b"new")]) as swap:
        assert swap.staging.name.startswith(atomic.TMP_PREFIX)
        assert _tree(target) == {"a.csv": b"old", "gone.txt": b"x"}  # not yet in place
        assert swap.install(target) == target
    assert _tree(tmp_path) == {"out/7/a.csv": b"new"}


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
@pytest.mark.parametrize("installed", [False, True])
def test_a_failed_block_puts_everything_back(tmp_path: Path, error: BaseException,
                                             installed: bool) -> None:
    target = tmp_path / "out" / "7"
    write_folder(target, [("a.csv", b"old")])
    with pytest.raises(type(error)), staged_folder(target.parent, [("a.csv", b"new")]) as swap:
        if installed:
            swap.install(target)
            assert _tree(target) == {"a.csv": b"new"}
        raise error
    assert _tree(tmp_path) == {"out/7/a.csv": b"old"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["7"]


def test_a_parent_made_for_a_failed_block_is_removed_on_request(tmp_path: Path) -> None:
    for remove in (True, False):
        parent = tmp_path / f"exports-{remove}"
        with pytest.raises(RuntimeError), \
                staged_folder(parent, [("a.csv", b"x")], remove_new_parent=remove) as swap:
            swap.install(parent / "1")
            raise RuntimeError
        assert parent.exists() is not remove
        if not remove:
            assert list(parent.iterdir()) == []


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    with pytest.raises(OSError, match="No space"), \
            staged_folder(tmp_path, [("a.csv", b"x")]):
        pytest.fail("the block must not run when writing failed")
    assert calls and list(tmp_path.iterdir()) == []


def test_install_only_beside_the_staging_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not beside"), \
            staged_folder(tmp_path / "a", [("x.csv", b"x")]) as swap:
        swap.install(tmp_path / "b" / "1")
    assert list((tmp_path / "a").iterdir()) == []


def test_write_folder_refuses_existing_names(tmp_path: Path) -> None:
    with pytest.raises(FileExistsError):
        write_folder(tmp_path / "f", [("a.csv", b"1"), ("a.csv", b"2")])
    with pytest.raises(FileExistsError):
        write_folder(tmp_path / "f", [])


def test_staged_files_get_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        with staged_folder(tmp_path, [("a.csv", b"x")]) as swap:
            swap.install(tmp_path / "1")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "1" / "a.csv").stat().st_mode) == 0o644
