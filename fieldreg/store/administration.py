"""What a coordinator does to the device as a whole: operators, device settings, the hub
connection; and the audit entry every export leaves. Part of the unlocked Session."""

from __future__ import annotations

from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlite_utils import Database

from fieldreg.clock import Clock, iso
from fieldreg.store import audit, crypto, key_rotation, operators
from fieldreg.store.database import StoreError, transaction, write_meta
from fieldreg.store.sync_settings import SyncSettings

# device-wide settings a coordinator sets: name -> (default, maximum)
DEVICE_SETTINGS = {
    "idle_lock_minutes": (10, 240),
    "backup_every": (200, 100_000),  # a rolling backup after every this many registrations
}
MIN_DEVICE_SETTING = 1  # an idle lock of 0 minutes would mean never locking


class Administration:
    """Mixed into Session, which provides these attributes."""

    db: Database
    _ring: key_rotation.KeyRing
    _key_pair: crypto.KeyPair
    operator: operators.Operator
    clock: Clock
    _kdf: crypto.KdfParams
    _audit_key: bytes | None

    def _fresh_keys(self) -> key_rotation.KeyRing:
        raise NotImplementedError  # Session's

    # -- operators (coordinators only) -----------------------------------------------------

    def _require_coordinator(self, action: str) -> None:
        if not self.operator.is_coordinator:
            raise StoreError("not_permitted", action=action)

    def add_operator(self, name: str, role: str, passphrase: str) -> None:
        self._require_coordinator("operator_add")
        now = self.clock()
        with transaction(self.db):
            operators.insert(
                self.db,
                name=name,
                role=role,
                passphrase=passphrase,
                data_key=self._fresh_keys().current.data_key,
                kdf=self._kdf,
                now=now,
            )
            audit.append(
                self.db,
                key=self._audit_key,
                at=iso(now),
                actor=self.operator.name,
                action="operator_add",
                subject=name,
                details={"role": role},
            )

    def reset_operator(self, name: str, passphrase: str) -> key_rotation.Rotation:
        """New passphrase for an operator who forgot theirs or is locked out. Whoever knows the
        old one (it may have leaked) must not read on: the data key is rotated."""
        self._require_coordinator("operator_reset")
        if operators.get(self.db, name) is None:
            raise StoreError("unknown_operator", name=name)
        operators.check_passphrase(passphrase, name)
        with transaction(self.db):
            rotation = self._rotate(leaving=name)
            pair = operators.set_passphrase(
                self.db,
                name=name,
                passphrase=passphrase,
                data_key=rotation.ring.current.data_key,
                kdf=self._kdf,
            )
            audit.append(
                self.db,
                key=self._audit_key,
                at=iso(self.clock()),
                actor=self.operator.name,
                action="operator_reset",
                subject=name,
            )
        self._ring = rotation.ring  # only once committed
        if name == self.operator.name:
            self._key_pair = pair
        return rotation

    def set_operator_disabled(self, name: str, disabled: bool) -> key_rotation.Rotation | None:
        """Stop (or allow again) an operator's logins; their registrations stay. A coordinator
        cannot disable themself, so the device always keeps one who can undo it. Disabling
        rotates the data key (the answer says what follows); enabling gives them the current
        one again."""
        self._require_coordinator("operator_disable")
        if operators.get(self.db, name) is None:
            raise StoreError("unknown_operator", name=name)
        if name == self.operator.name:
            raise StoreError("not_permitted", action="disable_self")
        rotation = None
        with transaction(self.db):
            self.db.execute(
                "UPDATE operators SET disabled = ? WHERE name = ?", [int(disabled), name]
            )
            if disabled:
                rotation = self._rotate(leaving=name)
            else:
                operators.seal_for(self.db, name, self._fresh_keys().current.data_key)
            audit.append(
                self.db,
                key=self._audit_key,
                at=iso(self.clock()),
                actor=self.operator.name,
                action="operator_disable" if disabled else "operator_enable",
                subject=name,
            )
        if rotation is not None:
            self._ring = rotation.ring  # only once committed
        return rotation

    def _rotate(self, *, leaving: str) -> key_rotation.Rotation:
        """Inside the caller's transaction: a new data key for everyone but `leaving`."""
        rotation = key_rotation.rotate(self.db, self._fresh_keys(), leaving=leaving)
        audit.append(
            self.db,
            key=self._audit_key,
            at=iso(self.clock()),
            actor=self.operator.name,
            action="key_rotated",
            subject=leaving,
            details={
                "generation": rotation.ring.generation,
                "needs_reset": rotation.needs_reset,
                "new_recovery_key": rotation.new_recovery_key is not None,
            },
        )
        return rotation

    def rotation_progress(self) -> key_rotation.Progress:
        return key_rotation.progress(self.db, self._fresh_keys())

    def reprotect(self, limit: int = key_rotation.REPROTECT_CHUNK) -> key_rotation.Progress:
        """Re-encrypt one chunk under the current data key (any operator may: it reveals
        nothing). The last one drops the earlier keys and checkpoints the WAL, so no page
        still holding them stays beside the file."""
        with transaction(self.db):
            ring = self._fresh_keys()
            retired_now = key_rotation.reprotect_chunk(self.db, ring, limit) and bool(ring.retired)
            if retired_now:
                audit.append(
                    self.db,
                    key=self._audit_key,
                    at=iso(self.clock()),
                    actor=self.operator.name,
                    action="reprotected",
                    details={"generation": ring.generation},
                )
        if retired_now:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return replace(self.rotation_progress(), retired_now=retired_now)

    def set_device_setting(self, key: str, value: int) -> None:
        """A coordinator's device-wide setting (e.g. idle_lock_minutes), audited."""
        self._require_coordinator("settings")
        if key not in DEVICE_SETTINGS or not MIN_DEVICE_SETTING <= value <= DEVICE_SETTINGS[key][1]:
            raise StoreError("invalid_setting", key=key[:40])
        with transaction(self.db):
            write_meta(self.db, f"setting/{key}", str(value))
            audit.append(
                self.db,
                key=self._audit_key,
                at=iso(self.clock()),
                actor=self.operator.name,
                action="setting",
                subject=key,
                details={"value": value},
            )

    def set_sync_settings(self, settings: SyncSettings) -> None:
        """A coordinator's hub connection (address, CamDX, batch size), audited."""
        self._require_coordinator("settings")
        with transaction(self.db):
            write_meta(self.db, "sync_settings", settings.to_json())
            audit.append(
                self.db,
                key=self._audit_key,
                at=iso(self.clock()),
                actor=self.operator.name,
                action="setting",
                subject="sync_settings",
                details={
                    "hub_url": settings.hub_url,
                    "camdx": settings.uses_camdx,
                    "batch_size": settings.batch_size,
                },
            )

    def verify_audit(self, hub_key: Ed25519PublicKey | None, device_id: str) -> audit.AuditCheck:
        """The whole check, seals included (coordinators only): the chain, its seals under the
        audit key, and the anchors the hub acknowledged."""
        self._require_coordinator("audit_verify")
        return audit.verify_unlocked(self.db, self._audit_key, hub_key=hub_key, device_id=device_id)

    def note_export(self, what: str, count: int) -> None:
        """Exports carry personal data out of the store: the audit log says who and how much."""
        with transaction(self.db):
            audit.append(
                self.db,
                key=self._audit_key,
                at=iso(self.clock()),
                actor=self.operator.name,
                action="export",
                subject=what,
                details={"count": count},
            )
