"""Where the device's Ed25519 signing key is kept: never in the store file.

A copy of `fieldreg.db` (a backup, a salvage on a USB stick) must give no power to sign
batches as this device, so the key lives beside the store, not in it: in the OS keyring when
the `keyring` package finds a real one (Secret Service, macOS Keychain, Windows Credential
Locker), else in an owner-only file `device-signing.key` in the data directory (0700). The
store's `meta` table says only where the key is (`keyring` or `file`), never the key.

The key needs no passphrase, by design: sync and receipt checks run while the app is locked.
So whoever runs code as this user on this laptop can sign as the device; revoking the device
at the hub is what ends that.
"""

from __future__ import annotations

import base64
import binascii
import errno
import os
import stat
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from fieldreg.files import write_text_atomic
from fieldreg.store.database import StoreError, read_meta, transaction, write_meta

KEY_FILENAME = "device-signing.key"
KEYRING_SERVICE = "FieldReg device signing key"  # the keyring entry's user name is the device id
HOME_META = "device_signing_key_home"  # "keyring" or "file": where the key is, never the key
LEGACY_META = "device_signing_key"  # where FieldReg kept it, in clear, before issue 9 item 13
KEYRING, FILE = "keyring", "file"
KEY_BYTES = 32
_FILE_HEADER = "fieldreg-device-signing-key-v1"
_MAX_FILE_BYTES = 1024
# keyring's stand-ins that keep nothing (fail, null) or keep it in a plain file (keyrings.alt):
# none of them is better than our own 0600 file.
_NOT_A_REAL_KEYRING = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def keyring_backend() -> Any | None:
    """The OS keyring if `keyring` finds a real one, else None. Imported here, not at module
    level: most of the core never needs it, and on a headless machine it finds none."""
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        chained = getattr(backend, "backends", []) if isinstance(backend, ChainerBackend) else []
        judged = chained[0] if chained else backend  # a chain writes to its first backend
        if judged.priority < 1 or type(judged).__module__.startswith(_NOT_A_REAL_KEYRING):
            return None
    except Exception:  # a broken keyring setup (no D-Bus, a bad config) is no keyring
        return None
    return backend


def key_path(root: Path) -> Path:
    return root / KEY_FILENAME


def missing(root: Path, home: str | None, reason: str, device_id: str) -> StoreError:
    """The error for a store whose enrolled key is not where it should be, or is another's.
    It names the device id: the hub administrator needs it for a re-key token."""
    where = f"the system keyring ({KEYRING_SERVICE})" if home == KEYRING else key_path(root)
    return StoreError("signing_key_missing", path=str(where), reason=reason, device_id=device_id)


def keep(root: Path, device_id: str, raw: bytes) -> str:
    """Put the key outside the store (keyring first, else the 0600 file) and read it back.
    Returns where it went, for the store's `meta` table."""
    backend = keyring_backend()
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, device_id, _encode(raw))
            if load(root, device_id, KEYRING) == raw:
                return KEYRING
        except Exception:  # the keyring refused (locked, a dismissed prompt): use the file
            pass
    write_text_atomic(key_path(root), f"{_FILE_HEADER} {device_id} {_encode(raw)}\n")
    if load(root, device_id, FILE) != raw:
        raise missing(root, FILE, "the key file did not read back", device_id)
    return FILE


def load(root: Path, device_id: str, home: str | None) -> bytes | None:
    """The raw key, or None when there is none yet. A key that is there but unusable (a
    link, another device's file, a keyring that cannot be reached) is an error, not None."""
    if home == KEYRING:
        backend = keyring_backend()
        if backend is None:
            raise missing(root, home, "no system keyring can be reached", device_id)
        try:
            encoded = backend.get_password(KEYRING_SERVICE, device_id)
        except Exception as error:
            raise missing(root, home, type(error).__name__, device_id) from error
        return None if encoded is None else _decode(encoded, root, home, device_id)
    text = _read_key_file(key_path(root), device_id)
    if text is None:
        return None
    parts = text.split()
    if len(parts) != 3 or parts[0] != _FILE_HEADER:
        raise missing(root, FILE, "not a FieldReg key file", device_id)
    if parts[1] != device_id:
        raise missing(root, FILE, "the key file belongs to another device", device_id)
    return _decode(parts[2], root, FILE, device_id)


def _read_key_file(path: Path, device_id: str) -> str | None:
    """The file's text, never through a link and never anything but a small regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        reason = "it is a symbolic link" if error.errno == errno.ELOOP else error.strerror
        raise missing(path.parent, FILE, str(reason), device_id) from error
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_FILE_BYTES:
            raise missing(path.parent, FILE, "not a FieldReg key file", device_id)
        if info.st_mode & 0o077:  # put right what a copy or an archive tool loosened
            os.fchmod(fd, 0o600)
        data = os.read(fd, _MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise missing(path.parent, FILE, "not a FieldReg key file", device_id) from None


def _encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _decode(encoded: str, root: Path, home: str, device_id: str) -> bytes:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise missing(root, home, "the stored key is malformed", device_id) from None
    if len(raw) != KEY_BYTES:
        raise missing(root, home, "the stored key is malformed", device_id)
    return raw


def move_out_of_store(db: Database, root: Path) -> bool:
    """A store from before issue 9 item 13 keeps the key in `meta`, in clear: put it in the
    keyring or the key file, then erase it from the file so its bytes are gone (the deleted
    row is zeroed by secure_delete, VACUUM rebuilds every page, the WAL is truncated).
    Backups taken before this still hold the key. Returns whether a key was moved."""
    if "meta" not in db.table_names():
        return False
    encoded, device_id = read_meta(db, LEGACY_META), read_meta(db, "device_id")
    if encoded is None or device_id is None:
        return False
    raw = _decode(encoded, root, FILE, device_id)
    home = keep(root, device_id, raw)  # a rerun after a crash writes the same key again
    db.execute("PRAGMA secure_delete=ON")  # connect() sets it too; the erasure depends on it
    with transaction(db):
        write_meta(db, HOME_META, home)
        db.execute("DELETE FROM meta WHERE key = ?", [LEGACY_META])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return True
