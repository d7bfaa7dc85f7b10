"""An independent RFC 6238 implementation for tests (deliberately not pyotp, not the app's)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import datetime


def totp(secret_base32: str, at: datetime, *, step: int = 30, digits: int = 6,
         offset_steps: int = 0) -> str:
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8), casefold=True)
    counter = int(at.timestamp()) // step + offset_steps
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)
