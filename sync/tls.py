"""TLS for the reference hub: a self-signed certificate for a pilot (`fieldreg-hub tls-cert`)
and the pin a device checks instead of a certificate authority.

The pin is the SHA-256 of the certificate's SubjectPublicKeyInfo, in lowercase hex: it names
the key, not the certificate, so a certificate re-issued for the same key keeps its pin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fieldreg.files import PRIVATE, SHARED, write_atomic

CERT_FILE_NAME, KEY_FILE_NAME = "hub-tls.crt", "hub-tls.key"
VALIDITY = dt.timedelta(days=825)  # a pilot's length; browsers' old ceiling for a leaf
ALWAYS_NAMES = ("localhost", "127.0.0.1")


def spki_pin(certificate_der: bytes) -> str:
    """The SHA-256 of the certificate's public key (SubjectPublicKeyInfo), hex."""
    certificate = x509.load_der_x509_certificate(certificate_der)
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def pin_of_file(cert_file: Path) -> str:
    """The pin of the first certificate in a PEM file."""
    certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    return spki_pin(certificate.public_bytes(serialization.Encoding.DER))


def make_self_signed(
    out_dir: Path, names: Sequence[str] = (), *, now: dt.datetime | None = None
) -> tuple[Path, Path]:
    """An ECDSA P-256 key (PEM, owner-only) and a self-signed certificate for it, valid for
    `localhost`, `127.0.0.1` and `names` (host names or IP addresses). Returns their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    all_names = list(dict.fromkeys([*names, *ALWAYS_NAMES]))
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=1)  # a little clock skew
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, all_names[0])])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + VALIDITY)
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in all_names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    key_file, cert_file = out_dir / KEY_FILE_NAME, out_dir / CERT_FILE_NAME
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),  # uvicorn reads it unattended; the file is owner-only
    )
    write_atomic(key_file, key_pem, mode=PRIVATE)
    write_atomic(cert_file, certificate.public_bytes(serialization.Encoding.PEM), mode=SHARED)
    return cert_file, key_file


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)
