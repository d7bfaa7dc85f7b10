"""Settings: environment variables prefixed CULTUREUP_, an optional .env file, embedded defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from dotenv import dotenv_values

PREFIX = "CULTUREUP_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _positive_int(value: Any) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must not be negative")
    return number


@attrs.frozen(kw_only=True)
class Settings:
    """Everything that differs between a laptop, CI and production. Each field is read from
    CULTUREUP_<FIELD NAME IN CAPITALS>."""

    database_url: str = "sqlite:///cultureup.db"
    media_root: str = "media"
    media_url: str = "/media/"
    # Lifetime of an API token in days; 0 keeps tokens until logout.
    token_ttl_days: int = attrs.field(default=30, converter=_positive_int)
    # Argon2id cost; the defaults follow RFC 9106's second recommendation.
    password_hash_time_cost: int = attrs.field(default=3, converter=_positive_int)
    password_hash_memory_kib: int = attrs.field(default=65536, converter=_positive_int)
    host: str = "127.0.0.1"
    port: int = attrs.field(default=8000, converter=_positive_int)
    workers: int = attrs.field(default=2, converter=_positive_int)
    threads: int = attrs.field(default=8, converter=_positive_int)
    log_level: str = "info"
    # Apply pending migrations when the server starts.
    migrate_on_start: bool = attrs.field(default=True, converter=lambda v: _bool(v))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
        """Defaults, then the .env file, then the process environment, then overrides."""
        values: dict[str, Any] = {}
        sources: list[Mapping[str, str | None]] = []
        if env_file is not None and Path(env_file).is_file():
            sources.append(dotenv_values(env_file))
        sources.append(os.environ if environ is None else environ)
        names = {field.name for field in attrs.fields(cls)}
        for source in sources:
            for key, value in source.items():
                if key.startswith(PREFIX) and value is not None:
                    name = key[len(PREFIX):].lower()
                    if name in names:
                        values[name] = value
        values.update(overrides)
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"invalid setting: {exc}") from exc

    def describe(self) -> dict[str, str]:
        """The settings as text, with any password in the database URL masked."""
        shown = {f.name: str(getattr(self, f.name)) for f in attrs.fields(type(self))}
        shown["database_url"] = _mask_password(self.database_url)
        return shown


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _mask_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"
