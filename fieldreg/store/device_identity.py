"""A device's signing identity: its Ed25519 key and the certificate the hub gives it at enrolment.

The certificate is the hub's Ed25519 signature over (device id, device public key). Anyone who
knows the hub's signing key can then check, offline, what a device signed (batches, receipts)
without having met the device.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CERTIFICATE_CONTEXT = b"FieldReg device certificate v1\x00"
CERTIFICATE_BYTES = 16 + 32 + 64


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class DeviceCertificate:
    device_id: str  # a UUID
    device_public_key: bytes  # 32 raw bytes
    signature: bytes  # 64 bytes, by the hub's signing key

    @staticmethod
    def message(device_id: str, device_public_key: bytes) -> bytes:
        return CERTIFICATE_CONTEXT + uuid.UUID(device_id).bytes + device_public_key

    @classmethod
    def issue(
        cls, hub_key: Ed25519PrivateKey, device_id: str, device_public_key: bytes
    ) -> DeviceCertificate:
        return cls(
            device_id, device_public_key, hub_key.sign(cls.message(device_id, device_public_key))
        )

    def verify(self, hub_public_key: Ed25519PublicKey) -> bool:
        try:
            hub_public_key.verify(
                self.signature, self.message(self.device_id, self.device_public_key)
            )
        except InvalidSignature:
            return False
        return True

    def to_bytes(self) -> bytes:
        return uuid.UUID(self.device_id).bytes + self.device_public_key + self.signature

    @classmethod
    def from_bytes(cls, data: bytes) -> DeviceCertificate:
        if len(data) != CERTIFICATE_BYTES:
            raise ValueError("a device certificate is 112 bytes")
        return cls(str(uuid.UUID(bytes=data[:16])), data[16:48], data[48:])

    def public_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.device_public_key)


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """What a device signs with. Usable while the store is locked (sync and receipts)."""

    device_id: str
    private_key: Ed25519PrivateKey
    certificate: DeviceCertificate | None  # None until the device is enrolled with a hub

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)
