"""`fieldreg.files`: a file written for the user is whole or absent, private from its first
byte, and never written through a symbolic link."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldreg.files import (
    PARTIAL_SUFFIX,
    SHARED,
    FileWriteError,
    atomic_path,
    write_atomic,
    write_text_atomic,
)

real_write = os.write


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """A umask that would leave a file world-readable if its mode came from the umask."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_a_full_disk_at_fsync_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.csv"
    target.write_bytes(b"yesterday's export\n")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(FileWriteError) as failure:
        write_atomic(target, b"today's export\n" * 1000)
    assert failure.value.code == "disk_full"
    assert failure.value.detail == {"path": str(target)}
    assert target.read_bytes() == b"yesterday's export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_write_that_fails_midway_leaves_no_file_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def half_then_full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:100]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(FileWriteError) as failure:
        write_atomic(tmp_path / "receipt.pdf", b"%PDF" + b"x" * 5000)
    assert failure.value.code == "disk_full" and len(calls) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_private_file_is_owner_only_from_its_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, permissive_umask: None
) -> None:
    seen = []

    def spy(fd: int, data: bytes) -> int:
        before = os.fstat(fd)
        seen.append((stat.S_IMODE(before.st_mode), before.st_size))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", spy)
    target = tmp_path / "recovery-key.png"
    write_atomic(target, b"\x89PNG key")
    assert seen[0] == (0o600, 0)
    assert mode_of(target) == 0o600 and target.read_bytes() == b"\x89PNG key"


def test_a_shared_export_gets_exactly_the_mode_asked_for(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_text_atomic(tmp_path / "sync-log.csv", "outcome\nok\n", mode=SHARED)
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "sync-log.csv") == 0o644


def test_a_symlink_target_is_refused_and_what_it_points_to_is_unchanged(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not yours\n")
    link = tmp_path / "export.csv"
    link.symlink_to(victim)
    with pytest.raises(FileWriteError) as failure:
        write_atomic(link, b"id,name\n")
    assert failure.value.code == "symlink_refused"
    assert failure.value.detail == {"path": str(link)}
    assert link.is_symlink() and victim.read_bytes() == b"not yours\n"
    assert not (tmp_path / ("export.csv" + PARTIAL_SUFFIX)).exists()


def test_a_symlink_at_the_temp_name_is_refused_and_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not yours\n")
    (tmp_path / ("settings.json" + PARTIAL_SUFFIX)).symlink_to(victim)
    with pytest.raises(FileWriteError) as failure:
        write_text_atomic(tmp_path / "settings.json", "{}")
    assert failure.value.code == "symlink_refused"
    assert victim.read_bytes() == b"not yours\n"
    assert not (tmp_path / "settings.json").exists()


def test_an_existing_file_is_replaced_whole_not_rewritten_in_place(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_bytes(b"old row\n" * 2000)
    with target.open("rb") as reader:  # someone still reading the old export
        write_atomic(target, b"new row\n")
        assert reader.read() == b"old row\n" * 2000
    assert target.read_bytes() == b"new row\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_temp_file_left_by_an_interrupted_write_does_not_block_the_next(tmp_path: Path) -> None:
    (tmp_path / ("receipt.pdf" + PARTIAL_SUFFIX)).write_bytes(b"half a recei")
    write_atomic(tmp_path / "receipt.pdf", b"%PDF whole")
    assert (tmp_path / "receipt.pdf").read_bytes() == b"%PDF whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["receipt.pdf"]


def test_a_missing_folder_is_not_writable_and_still_an_os_error(tmp_path: Path) -> None:
    target = tmp_path / "stick-removed" / "log.csv"
    with pytest.raises(FileWriteError) as failure:
        write_atomic(target, b"x")
    assert failure.value.code == "not_writable"
    assert failure.value.detail == {"path": str(target)}
    # the app's words for a file problem are chosen by errno ("was the USB stick removed?")
    assert isinstance(failure.value, OSError) and failure.value.errno == errno.ENOENT


def test_a_folder_without_write_permission_is_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests may run as root, who may write anywhere: the refusal is injected instead.
    real_open = os.open

    def refused(path: str | Path, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if str(path).endswith(PARTIAL_SUFFIX):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", refused)
    target = tmp_path / "receipt.pdf"
    with pytest.raises(FileWriteError) as failure:
        write_atomic(target, b"x")
    assert failure.value.code == "not_writable" and failure.value.errno == errno.EACCES
    assert failure.value.detail == {"path": str(target)}
    assert list(tmp_path.iterdir()) == []


def test_khmer_text_is_written_as_utf8(tmp_path: Path) -> None:
    write_text_atomic(tmp_path / "names.txt", "សុខា\n")
    assert (tmp_path / "names.txt").read_bytes() == "សុខា\n".encode()


def test_a_writer_that_needs_a_file_name_gets_the_same_promise(tmp_path: Path) -> None:
    target = tmp_path / "fieldreg-backup.db"
    with pytest.raises(RuntimeError), atomic_path(target) as partial:
        assert mode_of(partial) == 0o600 and partial.stat().st_size == 0
        partial.write_bytes(b"half a backup")
        raise RuntimeError("backup interrupted")
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as partial:
        partial.write_bytes(b"a whole backup")
    assert target.read_bytes() == b"a whole backup" and mode_of(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fieldreg-backup.db"]
