"""The RSA keys of the service identity, as PEM files.

- the private key (`VAXORDERS_SERVICE_KEY_FILE`) signs tokens; only the
  processes that mint have it: the Friday CronJob and the mailer;
- the public key file (`VAXORDERS_SERVICE_PUBLIC_KEY_FILE`) is what every
  service verifies with. It may hold several PEM public keys one after the
  other (a bundle), and the setting may list several files separated by
  commas: during a rotation both the new and the old key are accepted.

Each key is known by its `kid`, the RFC 7638 thumbprint of its public part,
which the minter puts in the token header: a verifier picks the key by kid,
so two keys never get mixed up.

`python -m services.common.service_identity generate-keys DIR` writes a new
pair (see generate_key_pair).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose.backends.cryptography_backend import CryptographyRSAKey

ALGORITHM = "RS256"
MIN_KEY_BITS = 2048
PRIVATE_KEY_NAME = "service-identity.key"
PUBLIC_KEY_NAME = "service-identity.pub"

_PEM_PUBLIC = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


class ServiceKeyError(Exception):
    """A key file is missing or unusable: the process must not start (English, for operators)."""


@dataclass(frozen=True)
class PrivateKey:
    kid: str
    signer: Any  # python-jose key, parsed once (parsing RSA costs ~100 ms)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def key_id(public: rsa.RSAPublicKey) -> str:
    """RFC 7638 thumbprint of an RSA public key."""
    numbers = public.public_numbers()
    thumbprint = json.dumps(
        {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}, separators=(",", ":"), sort_keys=True
    )
    return base64.urlsafe_b64encode(hashlib.sha256(thumbprint.encode()).digest()).rstrip(b"=").decode()


def _checked_rsa(key: Any, where: str) -> None:
    if not isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        raise ServiceKeyError(f"{where}: not an RSA key")
    if key.key_size < MIN_KEY_BITS:
        raise ServiceKeyError(f"{where}: RSA key of {key.key_size} bits, at least {MIN_KEY_BITS} needed")


def _read(path: str, setting: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ServiceKeyError(f"{setting}={path}: cannot read ({exc.strerror})") from None


def load_private_key(path: str) -> PrivateKey:
    """The signing key of VAXORDERS_SERVICE_KEY_FILE."""
    if not path:
        raise ServiceKeyError("VAXORDERS_SERVICE_KEY_FILE is not set: this process cannot mint service tokens")
    try:
        private = serialization.load_pem_private_key(_read(path, "VAXORDERS_SERVICE_KEY_FILE"), password=None)
    except (ValueError, TypeError) as exc:
        raise ServiceKeyError(f"VAXORDERS_SERVICE_KEY_FILE={path}: not a PEM private key ({exc})") from None
    _checked_rsa(private, f"VAXORDERS_SERVICE_KEY_FILE={path}")
    assert isinstance(private, rsa.RSAPrivateKey)
    return PrivateKey(key_id(private.public_key()), CryptographyRSAKey(private, ALGORITHM))


def load_public_keys(paths: str) -> dict[str, Any]:
    """kid -> verifying key, from one or more comma-separated PEM files (each possibly a bundle)."""
    keys: dict[str, Any] = {}
    for path in (p.strip() for p in paths.split(",")):
        if not path:
            continue
        where = f"VAXORDERS_SERVICE_PUBLIC_KEY_FILE={path}"
        blocks = _PEM_PUBLIC.findall(_read(path, "VAXORDERS_SERVICE_PUBLIC_KEY_FILE").decode("ascii", "replace"))
        if not blocks:
            raise ServiceKeyError(f"{where}: no PEM public key (-----BEGIN PUBLIC KEY-----) in the file")
        for block in blocks:
            try:
                public = serialization.load_pem_public_key(block.encode("ascii"))
            except ValueError as exc:
                raise ServiceKeyError(f"{where}: unreadable public key ({exc})") from None
            _checked_rsa(public, where)
            assert isinstance(public, rsa.RSAPublicKey)
            keys[key_id(public)] = CryptographyRSAKey(public, ALGORITHM)
    return keys


def public_pem_of(private_pem: bytes) -> bytes:
    private = serialization.load_pem_private_key(private_pem, password=None)
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def new_private_pem(bits: int = 3072) -> bytes:
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def generate_key_pair(folder: Path, *, overwrite: bool = False, bits: int = 3072) -> tuple[Path, Path]:
    """Write service-identity.key (mode 0600) and service-identity.pub in `folder`.

    An existing pair is kept unless `overwrite`: a second `make run` keeps its key.
    """
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / PRIVATE_KEY_NAME, folder / PUBLIC_KEY_NAME
    if private_path.exists() and not overwrite:
        if not public_path.exists():
            public_path.write_bytes(public_pem_of(private_path.read_bytes()))
        return private_path, public_path
    private_pem = new_private_pem(bits)
    tmp = private_path.with_suffix(".key.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private_pem)
    os.replace(tmp, private_path)
    public_path.write_bytes(public_pem_of(private_pem))
    return private_path, public_path
