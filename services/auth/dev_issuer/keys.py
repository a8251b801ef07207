"""Signing keys of the local issuer: RSA, with a kid, kept on disk.

Layout of the key folder (VAXORDERS_DATA_DIR/psc-dev-issuer/):
    keys.json      {"kids": [newest, previous]}: the first signs, all are published
    <kid>.pem      the private key (mode 0600)

`rotate()` (the `rotate-keys` command) writes a new key and puts it first;
the previous key stays published so the tokens it signed stay valid until
they expire (at most 30 min for a refresh token). A running issuer notices
the manifest changed (mtime) and reloads it, with no restart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt
from jose.backends.cryptography_backend import CryptographyRSAKey

ALGORITHM = "RS256"
MANIFEST = "keys.json"
# Keys published at once: the signing key and the one before it.
PUBLISHED = 2


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    public_jwk: dict[str, Any]
    # The parsed key, kept: parsing a PEM RSA key (with its consistency checks) costs ~100 ms.
    signer: Any = field(compare=False, repr=False)

    def sign(self, claims: dict[str, Any], *, typ: str = "JWT", headers: dict[str, Any] | None = None) -> str:
        headers = {"kid": self.kid, "typ": typ, **(headers or {})}
        return jwt.encode(claims, self.signer, algorithm=ALGORITHM, headers=headers)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _key_from_pem(pem: str) -> SigningKey:
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    numbers = private.public_key().public_numbers()
    n, e = _b64(numbers.n), _b64(numbers.e)
    # RFC 7638 thumbprint: the kid is derived from the key, so it never collides by accident.
    thumbprint = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"), sort_keys=True)
    kid = base64.urlsafe_b64encode(hashlib.sha256(thumbprint.encode()).digest()).rstrip(b"=").decode()
    public = {"kty": "RSA", "kid": kid, "use": "sig", "alg": ALGORITHM, "n": n, "e": e}
    return SigningKey(kid, pem, public, CryptographyRSAKey(private, ALGORITHM))


def generate_key() -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return _key_from_pem(pem)


def public_pem(key: SigningKey) -> str:
    """The public key as PEM (what an HS256-confusion attack would use as HMAC secret)."""
    pem: bytes = key.signer.public_key().to_pem()
    return pem.decode()


class KeyStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._keys: list[SigningKey] = []

    @property
    def _manifest(self) -> Path:
        return self.folder / MANIFEST

    def _write(self, kids: list[str]) -> None:
        tmp = self.folder / f".{MANIFEST}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"kids": kids}, indent=1), encoding="utf-8")
        os.replace(tmp, self._manifest)

    def _save_key(self, key: SigningKey) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.folder / f"{key.kid}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.private_pem)

    def _read_kids(self) -> list[str]:
        try:
            return [str(k) for k in json.loads(self._manifest.read_text(encoding="utf-8"))["kids"]]
        except FileNotFoundError:
            return []

    def ensure(self) -> None:
        """Create the first key when the folder has none."""
        with self._lock:
            if not self._read_kids():
                key = generate_key()
                self._save_key(key)
                self._write([key.kid])

    def rotate(self) -> SigningKey:
        """A new signing key; the previous one stays published."""
        with self._lock:
            key = generate_key()
            self._save_key(key)
            kids = [key.kid, *self._read_kids()]
            self._write(kids[:PUBLISHED])
            for old in kids[PUBLISHED:]:
                (self.folder / f"{old}.pem").unlink(missing_ok=True)
            return key

    def keys(self) -> list[SigningKey]:
        """Published keys, signing key first; reloaded when the manifest changed on disk."""
        try:
            stat = self._manifest.stat()
        except FileNotFoundError:
            self.ensure()
            stat = self._manifest.stat()
        # The manifest is replaced, never rewritten in place: a new inode means a change even
        # when two writes land within the filesystem's timestamp resolution.
        stamp = (stat.st_ino, stat.st_mtime_ns)
        with self._lock:
            if stamp != self._stamp:
                kids = self._read_kids()
                self._keys = [_key_from_pem((self.folder / f"{kid}.pem").read_text(encoding="ascii")) for kid in kids]
                self._stamp = stamp
            return list(self._keys)

    def signing_key(self) -> SigningKey:
        return self.keys()[0]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self.keys()]}

    def key(self, kid: str) -> SigningKey | None:
        return next((k for k in self.keys() if k.kid == kid), None)
