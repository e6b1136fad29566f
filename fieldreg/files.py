"""Files written for the user: whole or not at all, private unless asked, never through a link.

Every export, receipt, QR image, backup and settings file is written here, the way Electrum
saves a wallet: a temp file beside the target (`<name>.partial`, created exclusively and with
its permissions set before the first byte), fsync, `os.replace`, fsync of the folder. Any
failure removes the temp file, so the target is either the old file, the new one, or absent.
A target that is a symbolic link is refused, not followed.

One writer per target at a time is assumed (the app writes on its one store worker); a second
writer that meets the first one's temp file fails with `file_exists` rather than mixing bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from fieldreg.errors import FieldRegError

PARTIAL_SUFFIX = ".partial"
PRIVATE, SHARED = 0o600, 0o644  # personal data or keys; non-personal exports (the sync log)

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
# A folder that cannot be synced (some FUSE and FAT mounts) still holds the renamed file.
_DIR_SYNC_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EBADF})


class FileWriteError(FieldRegError, OSError):
    """A file was not written: `disk_full`, `not_writable`, `symlink_refused` or `file_exists`,
    with detail path. Also an OSError carrying the cause's errno, so the words chosen per errno
    (read-only stick, folder gone) and every `except OSError` around a write still apply."""

    def __init__(self, code: str, cause_errno: int, path: Path) -> None:
        super().__init__(code, path=str(path))
        self.errno = cause_errno
        self.strerror = os.strerror(cause_errno)
        self.filename = str(path)


def write_atomic(path: Path, data: bytes, *, mode: int = PRIVATE) -> None:
    """Replace (or create) `path` with exactly `data`, readable only by this user unless
    `mode` says otherwise."""
    with _partial_file(Path(path), mode) as (_partial, fd):
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]


def write_text_atomic(
    path: Path, text: str, *, mode: int = PRIVATE, encoding: str = "utf-8"
) -> None:
    """`write_atomic` for text; line endings are written as given."""
    write_atomic(path, text.encode(encoding), mode=mode)


@contextlib.contextmanager
def atomic_path(path: Path, *, mode: int = PRIVATE) -> Iterator[Path]:
    """For writers that need a file name rather than bytes (SQLite's backup API): yields the
    temp file, created empty with `mode`; it replaces `path` when the block ends without an
    exception and is removed when it raises."""
    with _partial_file(Path(path), mode) as (partial, _fd):
        yield partial


@contextlib.contextmanager
def _partial_file(path: Path, mode: int) -> Iterator[tuple[Path, int]]:
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        _refuse_link(path, path)
        fd = _create(partial, path)
    except FileWriteError:
        raise
    except OSError as error:
        raise _coded(error, path) from error
    ours: os.stat_result | None = None
    closed = False
    try:
        ours = os.fstat(fd)
        os.fchmod(fd, mode)  # exact, whatever the umask, before any content
        yield partial, fd
        os.fsync(fd)
        closed = True
        os.close(fd)
        if not _same_file(partial, ours):  # another writer replaced our temp file
            raise FileWriteError("file_exists", errno.EEXIST, path)
        os.replace(partial, path)
        _fsync_folder(path.parent)
    except BaseException as failure:
        if not closed:
            os.close(fd)
        if ours is None or _same_file(partial, ours):
            with contextlib.suppress(OSError):
                partial.unlink()
        if isinstance(failure, OSError) and not isinstance(failure, FileWriteError):
            raise _coded(failure, path) from failure
        raise


def _create(partial: Path, path: Path) -> int:
    """The temp file, exclusively. One left by an interrupted write is removed first; one that
    is a link is refused."""
    try:
        return os.open(partial, _CREATE, 0o600)
    except FileExistsError:
        _refuse_link(partial, path)
        partial.unlink()
    try:
        return os.open(partial, _CREATE, 0o600)
    except FileExistsError as error:  # another writer took the name meanwhile
        raise FileWriteError("file_exists", errno.EEXIST, path) from error


def _refuse_link(candidate: Path, path: Path) -> None:
    try:
        is_link = stat.S_ISLNK(os.lstat(candidate).st_mode)
    except FileNotFoundError:
        return
    if is_link:
        raise FileWriteError("symlink_refused", errno.ELOOP, path)


def _same_file(partial: Path, ours: os.stat_result) -> bool:
    try:
        now = os.lstat(partial)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (ours.st_dev, ours.st_ino)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in _DIR_SYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def _coded(error: OSError, path: Path) -> FileWriteError:
    cause = error.errno or errno.EIO
    if cause in _DISK_FULL:
        return FileWriteError("disk_full", cause, path)
    if cause == errno.ELOOP:
        return FileWriteError("symlink_refused", cause, path)
    return FileWriteError("not_writable", cause, path)
