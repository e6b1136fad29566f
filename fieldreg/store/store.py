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
from fieldreg.store import audit, crypto, figures, key_rotation, operators, signing_key
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
    take_backup,
    transaction,
    write_meta,
)
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity, public_bytes
from fieldreg.store.operators import Unlocked
from fieldreg.store.outbox import Outbox
from fieldreg.store.session import Session
from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.sealing import HubPublicKey, hub_fingerprint


def new_signing_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def _public_of(raw: bytes) -> bytes:
    return public_bytes(Ed25519PrivateKey.from_private_bytes(raw).public_key())


class Store:
    def __init__(
        self, db: Database, data_dir: DataDir, *, clock: Clock, kdf: crypto.KdfParams
    ) -> None:
        self.db = db
        self.data_dir = data_dir
        self.clock = clock
        self.kdf = kdf
        self._raw_signing_key: bytes | None = None  # read once from outside the store file
        # a new key for an enrolled store that lost its own, until the hub certifies it
        self._rekey_candidate: bytes | None = None

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
        now = clock()
        device_id = str(uuid.uuid4())
        key_home = signing_key.keep(root, device_id, new_signing_key())
        with transaction(db):
            meta = {
                "device_id": device_id,
                "created_at": iso(now),
                signing_key.HOME_META: key_home,
            }
            for key, value in meta.items():
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value])
            recovery_public = crypto.KeyPair.from_recovery_key(recovery_key).public_bytes()
            key_rotation.set_recovery_seal(db, recovery_public, data_key)
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
            open_database(
                data_dir,
                clock=clock,
                before_migrations=lambda db: signing_key.move_out_of_store(db, root),
            ),
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

    def registrations_made(self) -> int:
        """How many registrations this file has ever held: rows are never deleted, so the
        largest rowid counts them without reading the table (cheap at 100,000)."""
        row = self.db.execute("SELECT max(rowid) FROM registrations").fetchone()
        return int(row[0] or 0)

    def take_backup(self, label: str, *, keep_free: int) -> Path:
        """A rolling backup of the live file (see database.take_backup)."""
        return take_backup(self.db, self.data_dir, label, self.clock(), keep_free=keep_free)

    def _optional_meta(self, key: str) -> str | None:
        return read_meta(self.db, key)

    def _set_meta(self, key: str, value: str) -> None:
        write_meta(self.db, key, value)

    def device_identity(self) -> DeviceIdentity:
        """The device's Ed25519 signing key and its hub certificate, if enrolled. The key is
        kept outside the store file (fieldreg.store.signing_key) and outside the data-key
        envelope on purpose: sync and receipt checks run while the store is locked, and the
        key signs but reveals no personal data. An enrolled store whose key is gone (a copied
        file without its key) raises `signing_key_missing`: it must not sign as the device."""
        encoded = self._optional_meta("device_certificate")
        certificate = DeviceCertificate.from_bytes(base64.b64decode(encoded)) if encoded else None
        key = Ed25519PrivateKey.from_private_bytes(self._signing_key(certificate is not None))
        if certificate is not None and public_bytes(key.public_key()) != (
            certificate.device_public_key
        ):
            raise signing_key.missing(
                self.data_dir.root,
                self._optional_meta(signing_key.HOME_META),
                "the key does not match the enrolment",
                self.device_id,
            )
        return DeviceIdentity(self.device_id, key, certificate)

    def signing_key_lost(self) -> bool:
        """Whether this enrolled store's signing key is missing or not its own, so that only
        a re-key enrolment lets it send again. False before enrolment (a key is made then)."""
        if self._optional_meta("device_certificate") is None:
            return False
        try:
            self.device_identity()
        except StoreError as error:
            if error.code == "signing_key_missing":
                return True
            raise
        return False

    def public_key_for_enrolment(self) -> bytes:
        """The public key to enrol: this device's own, or, for an enrolled store whose key is
        lost (`signing_key_missing`), a new one. The new key stays in memory until the hub
        certifies it (only a re-key token bound to this device id does), so an enrolment the
        hub refuses changes nothing on disk. The device id never changes: sealed packets are
        bound to it."""
        if not self.signing_key_lost():
            return public_bytes(self.device_identity().private_key.public_key())
        if self._rekey_candidate is None:
            self._rekey_candidate = new_signing_key()
        return _public_of(self._rekey_candidate)

    def _signing_key(self, enrolled: bool) -> bytes:
        """The raw key from the keyring or the key file, made on first use only while nothing
        has certified a key: an enrolled store never gets a new one by itself."""
        if self._raw_signing_key is not None:
            return self._raw_signing_key
        root, device_id = self.data_dir.root, self.device_id
        raw = signing_key.load(root, device_id, self._optional_meta(signing_key.HOME_META))
        if raw is None and enrolled:
            raise signing_key.missing(
                root, self._optional_meta(signing_key.HOME_META), "there is no key", device_id
            )
        if raw is None:
            with transaction(self.db):  # one process makes it; the others wait and read it
                home = self._optional_meta(signing_key.HOME_META)
                raw = signing_key.load(root, device_id, home)
                if raw is None:
                    raw = new_signing_key()
                    self._set_meta(signing_key.HOME_META, signing_key.keep(root, device_id, raw))
        self._raw_signing_key = raw
        return raw

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
        tls_pin: str = "",
    ) -> None:
        """Pin the hub's keys (and its TLS key, `tls_pin`, when the string named one: a new
        enrolment without it clears an old pin) and keep the certificate it issued. Called
        once the fingerprint in the enrolment token has been checked against these keys. A
        certificate for the new key of a re-key (see public_key_for_enrolment) also keeps that
        key outside the store file and re-forms the batches not yet acknowledged: they were
        signed by the old key, which the hub no longer accepts."""
        candidate = self._rekey_candidate
        rekeyed = candidate is not None and _public_of(candidate) == certificate.device_public_key
        settings = replace(self.sync_settings(), hub_url=hub_url, tls_pin=tls_pin)
        values = {
            "hub_sealing_public_key": base64.b64encode(sealing_public).decode("ascii"),
            "hub_signing_public_key": base64.b64encode(signing_public).decode("ascii"),
            "hub_fingerprint": hub_fingerprint(sealing_public, signing_public),
            "device_certificate": base64.b64encode(certificate.to_bytes()).decode("ascii"),
            "sync_settings": settings.to_json(),
        }
        with transaction(self.db):
            if candidate is not None and rekeyed:
                home = signing_key.keep(self.data_dir.root, self.device_id, candidate)
                self._set_meta(signing_key.HOME_META, home)
                self.outbox.release_open_batches()
            for key, value in values.items():
                self._set_meta(key, value)
            audit.append(
                self.db,
                at=iso(self.clock()),
                actor="device",
                action="rekeyed" if rekeyed else "enrolled",
                details={"hub_fingerprint": values["hub_fingerprint"]},
            )
        if rekeyed:
            self._raw_signing_key, self._rekey_candidate = candidate, None

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
        unlocked = operators.login(self.db, operator, passphrase, self.clock())
        return self._session(operator, unlocked)

    def recover(self, recovery_key: str, operator: str, new_passphrase: str) -> Session:
        """Use the recovery key to set a coordinator's passphrase (creating the coordinator if
        needed) and clear its lock-out."""
        now = self.clock()
        existing = operators.get(self.db, operator)
        with transaction(self.db):
            data_key = self._recovered_data_key(recovery_key)
            if existing is None:
                pair = operators.insert(
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
                pair = operators.set_passphrase(
                    self.db,
                    name=operator,
                    passphrase=new_passphrase,
                    data_key=data_key,
                    kdf=self.kdf,
                )
            audit.append(self.db, at=iso(now), actor=operator, action="recovery_key_used")
        return self._session(operator, Unlocked(data_key, pair))

    def _recovered_data_key(self, recovery_key: str) -> bytes:
        """Inside a transaction: the data key opened by the recovery key. A store from before
        rotation has it wrapped under the key itself: the key pair derived from the recovery
        key takes over now, so later rotations can seal to its public half."""
        try:
            sealed = self._optional_meta("recovery_sealed_key")
            if sealed is not None:
                pair = crypto.KeyPair.from_recovery_key(recovery_key)
                return pair.open(crypto.unb64(sealed), "recovery")
            wrapped = base64.b64decode(self._meta("recovery_wrapped_key"))
            data_key = crypto.unwrap_key(
                crypto.recovery_wrapping_key(recovery_key), wrapped, "recovery"
            )
        except crypto.WrongKey:
            raise StoreError("wrong_recovery_key") from None
        public = crypto.KeyPair.from_recovery_key(recovery_key).public_bytes()
        key_rotation.set_recovery_seal(self.db, public, data_key)
        return data_key

    def _session(self, operator_name: str, unlocked: Unlocked) -> Session:
        operator = operators.get(self.db, operator_name)
        assert operator is not None
        with transaction(self.db):
            audit_key = audit.open_key(self.db, unlocked.data_key)
        session = Session(
            self.db,
            unlocked,
            operator,
            device_id=self.device_id,
            clock=self.clock,
            kdf=self.kdf,
            hub_key=self.hub_sealing_key(),
            audit_key=audit_key,
        )
        if figures.recount_needed(self.db):  # registrations from before the figures table
            session.rebuild_figures()
        return session

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
