"""RFC 6238 one-time passwords (pyotp) and backup codes."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
# One step of clock drift either way, and no more.
DRIFT_STEPS = 1
# Upper-case letters and digits without the look-alikes 0/O, 1/I/L: 32 symbols, 40 bits a code.
BACKUP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BACKUP_LENGTH = 8


class PyOtpOneTimePasswords:
    def new_secret(self) -> str:
        return pyotp.random_base32(length=32)

    def matching_step(self, secret: str, code: str, *, now: datetime) -> int | None:
        code = "".join(code.split())
        if len(code) != DIGITS or not code.isdigit():
            return None
        totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
        current = int(now.timestamp()) // STEP_SECONDS
        matched = None
        # Every candidate is compared, in constant time, so timing says nothing about which.
        for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                matched = step
        return matched

    def provisioning_uri(self, secret: str, *, account_name: str, issuer: str) -> str:
        return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
            name=account_name, issuer_name=issuer)

    def new_backup_codes(self, count: int) -> list[str]:
        return ["".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_LENGTH))
                for _ in range(count)]
