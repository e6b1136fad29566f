"""What a coordinator does to the device as a whole: operators, device settings, the hub
connection; and the audit entry every export leaves. Part of the unlocked Session."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlite_utils import Database

from fieldreg.clock import Clock, iso
from fieldreg.store import audit, crypto, operators
from fieldreg.store.database import StoreError, transaction, write_meta
from fieldreg.store.sync_settings import SyncSettings

# device-wide settings a coordinator sets: name -> (default, maximum)
DEVICE_SETTINGS = {"idle_lock_minutes": (10, 240)}
MIN_DEVICE_SETTING = 1  # an idle lock of 0 minutes would mean never locking


class Administration:
    """Mixed into Session, which provides these attributes."""

    db: Database
    _keys: crypto.DataKeys
    operator: operators.Operator
    clock: Clock
    _kdf: crypto.KdfParams
    _audit_key: bytes | None

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
                data_key=self._keys.data_key,
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

    def reset_operator(self, name: str, passphrase: str) -> None:
        """New passphrase for an operator who forgot theirs or is locked out."""
        self._require_coordinator("operator_reset")
        if operators.get(self.db, name) is None:
            raise StoreError("unknown_operator", name=name)
        with transaction(self.db):
            operators.set_passphrase(
                self.db,
                name=name,
                passphrase=passphrase,
                data_key=self._keys.data_key,
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

    def set_operator_disabled(self, name: str, disabled: bool) -> None:
        """Stop (or allow again) an operator's logins; their registrations stay. A coordinator
        cannot disable themself, so the device always keeps one who can undo it."""
        self._require_coordinator("operator_disable")
        if operators.get(self.db, name) is None:
            raise StoreError("unknown_operator", name=name)
        if name == self.operator.name:
            raise StoreError("not_permitted", action="disable_self")
        with transaction(self.db):
            self.db.execute(
                "UPDATE operators SET disabled = ? WHERE name = ?", [int(disabled), name]
            )
            audit.append(
                self.db,
                key=self._audit_key,
                at=iso(self.clock()),
                actor=self.operator.name,
                action="operator_disable" if disabled else "operator_enable",
                subject=name,
            )

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
