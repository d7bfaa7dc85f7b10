"""Secrets at rest: AES-256-GCM for TOTP secrets, HMAC-SHA256 for backup codes. Both keys are
derived from the one secret key in settings, each for its own purpose."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"


def derive_key(secret_key: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"cultureup:{purpose}".encode()).derive(secret_key.encode("utf-8"))


class AesGcmSecretSealer:
    def __init__(self, secret_key: str) -> None:
        self._aead = AESGCM(derive_key(secret_key, "totp-secrets"))

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), VERSION.encode())
        return f"{VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def unseal(self, sealed: str) -> str:
        version, _, payload = sealed.partition(":")
        if version != VERSION or not payload:
            raise ValueError("not a sealed secret")
        raw = base64.urlsafe_b64decode(payload)
        try:
            return self._aead.decrypt(raw[:12], raw[12:], VERSION.encode()).decode("utf-8")
        except InvalidTag as exc:
            raise ValueError("sealed secret was tampered with or the key changed") from exc


class HmacDigest:
    def __init__(self, secret_key: str, purpose: str = "backup-codes") -> None:
        self._key = derive_key(secret_key, purpose)

    def digest(self, value: str) -> str:
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()
