"""API tokens: 256 random bits for the client, only a SHA-256 digest in the database."""

from __future__ import annotations

import hashlib
import secrets


class SecretTokenService:
    def new_token(self) -> str:
        return secrets.token_hex(32)

    def digest(self, token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
