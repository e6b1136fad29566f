"""The encrypted store: a locked `Store` (no keys) and the `Session` an operator unlocks.

Locked, the store can list operators, verify the audit log and (later) sync sealed packets.
Unlocked, a `Session` holds the data key and does everything that touches personal data.
"""

from __future__ import annotations

import base64
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlite_utils import Database

from fieldreg.clock import Clock, iso, utc_now
from fieldreg.store import audit, crypto, operators
from fieldreg.store.administration import DEVICE_SETTINGS
from fieldreg.store.database import (
    DataDir,
    StoreError,
    check_integrity,
    create_database,
    damaged,
    open_database,
    read_meta,
    restore_backup,
    transaction,
    write_meta,
)
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity
from fieldreg.store.outbox import Outbox
from fieldreg.store.session import Session
from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.sealing import HubPublicKey, hub_fingerprint


class Store:
    def __init__(
        self, db: Database, data_dir: DataDir, *, clock: Clock, kdf: crypto.KdfParams
    ) -> None:
        self.db = db
        self.data_dir = data_dir
        self.clock = clock
        self.kdf = kdf

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        operator: str,
        passphrase: str,
        clock: Clock = utc_now,
        kdf: crypto.KdfParams | None = None,
    ) -> tuple[Store, str]:
        """A new store with its first coordinator. Returns the store and the recovery key,
        which exists nowhere else: show it once and let the coordinator keep it."""
        kdf = kdf or crypto.KdfParams()
        operators.check_new_operator(operator, "coordinator", passphrase)
        data_dir = DataDir(root)
        db = create_database(data_dir)
        data_key, recovery_key = crypto.new_key(), crypto.new_recovery_key()
        recovery_wrap = crypto.wrap_key(
            crypto.recovery_wrapping_key(recovery_key), data_key, "recovery"
        )
        now = clock()
        with transaction(db):
            meta = {
                "device_id": str(uuid.uuid4()),
                "created_at": iso(now),
                "recovery_wrapped_key": base64.b64encode(recovery_wrap).decode("ascii"),
            }
            for key, value in meta.items():
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value])
            operators.insert(
                db,
                name=operator,
                role="coordinator",
                passphrase=passphrase,
                data_key=data_key,
                kdf=kdf,
                now=now,
            )
            audit.append(
                db,
                at=iso(now),
                actor=operator,
                action="init",
                details={"device_id": meta["device_id"]},
            )
            audit.open_key(db, data_key)
        return cls(db, data_dir, clock=clock, kdf=kdf), recovery_key

    @classmethod
    def open(
        cls, root: Path, *, clock: Clock = utc_now, kdf: crypto.KdfParams | None = None
    ) -> Store:
        data_dir = DataDir(root)
        return cls(
            open_database(data_dir, clock=clock),
            data_dir,
            clock=clock,
            kdf=kdf or crypto.KdfParams(),
        )

    @staticmethod
    def restore_latest_backup(root: Path, *, clock: Clock = utc_now) -> tuple[Path, Path]:
        """Replace a damaged file with the newest backup. Returns (backup used, damaged copy)."""
        data_dir = DataDir(root)
        backups = data_dir.backups()
        if not backups:
            raise StoreError("no_backup", path=str(data_dir.backup_dir))
        aside = restore_backup(data_dir, backups[0], clock())
        return backups[0], aside

    def close(self) -> None:
        self.db.close()

    def _meta(self, key: str) -> str:
        value = self._optional_meta(key)
        if value is None:
            raise StoreError("damaged", path=str(self.data_dir.db_path), reason=f"no {key}")
        return value

    @property
    def device_id(self) -> str:
        return self._meta("device_id")

    def registration_count(self) -> int:
        """How many registrations the device holds (a count reveals nobody)."""
        return int(self.db.execute("SELECT count(*) FROM registrations").fetchone()[0])

    def _optional_meta(self, key: str) -> str | None:
        return read_meta(self.db, key)

    def _set_meta(self, key: str, value: str) -> None:
        write_meta(self.db, key, value)

    def device_identity(self) -> DeviceIdentity:
        """The device's Ed25519 signing key (made on first use) and its hub certificate, if
        enrolled. Kept outside the data-key envelope on purpose: sync and receipt checks run
        while the store is locked, and the key signs but reveals no personal data."""
        encoded = self._optional_meta("device_signing_key")
        if encoded is None:
            with transaction(self.db):
                encoded = self._optional_meta("device_signing_key")
                if encoded is None:
                    raw = Ed25519PrivateKey.generate().private_bytes_raw()
                    encoded = base64.b64encode(raw).decode("ascii")
                    self._set_meta("device_signing_key", encoded)
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded))
        certificate = self._optional_meta("device_certificate")
        return DeviceIdentity(
            self.device_id,
            key,
            DeviceCertificate.from_bytes(base64.b64decode(certificate)) if certificate else None,
        )

    @property
    def outbox(self) -> Outbox:
        return Outbox(self.db, self.clock)

    def hub_sealing_key(self) -> HubPublicKey | None:
        encoded = self._optional_meta("hub_sealing_public_key")
        return HubPublicKey(base64.b64decode(encoded)) if encoded else None

    def save_enrolment(
        self,
        *,
        hub_url: str,
        sealing_public: bytes,
        signing_public: bytes,
        certificate: DeviceCertificate,
    ) -> None:
        """Pin the hub's keys and keep the certificate it issued. Called once the fingerprint
        in the enrolment token has been checked against these keys."""
        settings = replace(self.sync_settings(), hub_url=hub_url)
        values = {
            "hub_sealing_public_key": base64.b64encode(sealing_public).decode("ascii"),
            "hub_signing_public_key": base64.b64encode(signing_public).decode("ascii"),
            "hub_fingerprint": hub_fingerprint(sealing_public, signing_public),
            "device_certificate": base64.b64encode(certificate.to_bytes()).decode("ascii"),
            "sync_settings": settings.to_json(),
        }
        with transaction(self.db):
            for key, value in values.items():
                self._set_meta(key, value)
            audit.append(
                self.db,
                at=iso(self.clock()),
                actor="device",
                action="enrolled",
                details={"hub_fingerprint": values["hub_fingerprint"]},
            )

    def device_setting(self, key: str) -> int:
        """A coordinator's device-wide setting (see session.DEVICE_SETTINGS)."""
        default = DEVICE_SETTINGS[key][0]
        value = self._optional_meta(f"setting/{key}")
        return default if value is None else int(value)

    def sync_settings(self) -> SyncSettings:
        return SyncSettings.from_json(self._optional_meta("sync_settings"))

    def trusted_hub_signing_key(self) -> Ed25519PublicKey | None:
        """The hub key pinned at enrolment: it certifies devices and signs sync receipts."""
        encoded = self._optional_meta("hub_signing_public_key")
        if encoded is None:
            return None
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))

    def operators(self) -> list[operators.Operator]:
        return operators.list_all(self.db)

    def unlock(self, operator: str, passphrase: str) -> Session:
        """Log in offline. Wrong passphrases raise `wrong_passphrase`, `backoff`, `locked_out`."""
        data_key = operators.login(self.db, operator, passphrase, self.clock())
        return self._session(operator, data_key)

    def recover(self, recovery_key: str, operator: str, new_passphrase: str) -> Session:
        """Use the recovery key to set a coordinator's passphrase (creating the coordinator if
        needed) and clear its lock-out."""
        wrapped = base64.b64decode(self._meta("recovery_wrapped_key"))
        try:
            data_key = crypto.unwrap_key(
                crypto.recovery_wrapping_key(recovery_key), wrapped, "recovery"
            )
        except crypto.WrongKey:
            raise StoreError("wrong_recovery_key") from None
        now = self.clock()
        existing = operators.get(self.db, operator)
        with transaction(self.db):
            if existing is None:
                operators.insert(
                    self.db,
                    name=operator,
                    role="coordinator",
                    passphrase=new_passphrase,
                    data_key=data_key,
                    kdf=self.kdf,
                    now=now,
                )
            elif not existing.is_coordinator:
                raise StoreError("not_coordinator", name=operator)
            else:
                operators.set_passphrase(
                    self.db,
                    name=operator,
                    passphrase=new_passphrase,
                    data_key=data_key,
                    kdf=self.kdf,
                )
            audit.append(self.db, at=iso(now), actor=operator, action="recovery_key_used")
        return self._session(operator, data_key)

    def _session(self, operator_name: str, data_key: bytes) -> Session:
        operator = operators.get(self.db, operator_name)
        assert operator is not None
        with transaction(self.db):
            audit_key = audit.open_key(self.db, data_key)
        return Session(
            self.db,
            crypto.DataKeys.from_data_key(data_key),
            operator,
            device_id=self.device_id,
            clock=self.clock,
            kdf=self.kdf,
            hub_key=self.hub_sealing_key(),
            audit_key=audit_key,
        )

    def check_integrity(self) -> None:
        """Read every page (slow on big stores); raises StoreError("damaged") naming the backup."""
        try:
            check_integrity(self.db)
        except sqlite3.DatabaseError as error:
            raise damaged(self.data_dir, error) from error

    def verify_audit(self) -> audit.AuditCheck:
        """The hash chain and the hub's anchors; the seals need the key (Session.verify_audit)."""
        return audit.verify(
            self.db, hub_key=self.trusted_hub_signing_key(), device_id=self.device_id
        )
