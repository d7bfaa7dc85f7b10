"""Settings: environment variables prefixed CULTUREUP_, an optional .env file, embedded defaults."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
from dotenv import dotenv_values

PREFIX = "CULTUREUP_"
AWS_NAMES = ("aws_storage_bucket_name", "aws_s3_region_name", "aws_endpoint_url")


def _fee_rate(value: Any) -> Decimal:
    try:
        rate = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"platform_fee_rate must be a decimal, not {value!r}") from exc
    if not rate.is_finite() or not Decimal(0) <= rate < Decimal(1):
        raise ValueError("platform_fee_rate must be at least 0 and below 1")
    return rate


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _positive_int(value: Any) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must not be negative")
    return number


def _csv(value: Any) -> tuple[str, ...]:
    """A comma-separated list from the environment, or an iterable given in code."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(item.strip() for item in items if item.strip())


def _public_url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username:
        raise ValueError(f"public_url must be http(s)://host[:port][/path]: {value!r}")
    return text


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
    # Keys for sealing TOTP secrets and hashing backup codes are derived from this. When empty,
    # a random key is kept in secret_key_file (created on first use).
    secret_key: str = attrs.field(default="", repr=False)
    secret_key_file: str = ".cultureup-secret-key"  # noqa: S105 - a path, not a secret
    rate_limit_enabled: bool = attrs.field(default=True, converter=lambda v: _bool(v))
    # Where request budgets and failed-password counts are kept: "file" (rate_limit_file,
    # shared by every process on the machine that uses it: the workers of a server), "redis"
    # (shared by every process and host using redis_url) or "memory" (each process alone).
    rate_limit_backend: str = attrs.field(default="file", validator=attrs.validators.in_(
        ("file", "redis", "memory")))
    rate_limit_file: str = ".cultureup-rate-limits.sqlite3"
    redis_url: str = "redis://127.0.0.1:6379/0"
    rate_limit_anonymous_per_hour: int = attrs.field(default=100, converter=_positive_int)
    rate_limit_user_per_hour: int = attrs.field(default=1000, converter=_positive_int)
    login_failures_per_username: int = attrs.field(default=5, converter=_positive_int)
    login_failures_per_client: int = attrs.field(default=20, converter=_positive_int)
    login_failure_window_minutes: int = attrs.field(default=15, converter=_positive_int)
    # Behind a reverse proxy, take the client address from X-Forwarded-For and the scheme
    # (http or https) from X-Forwarded-Proto or Forwarded.
    trust_forwarded_for: bool = attrs.field(default=False, converter=lambda v: _bool(v))
    # Host names the API answers to (the Host header, port ignored); any other is refused with
    # 400, so that no link is ever built on a host a client made up. ".example.com" also
    # accepts every subdomain; "*" accepts any host (only behind a proxy that checks it).
    allowed_hosts: tuple[str, ...] = attrs.field(
        default=("localhost", "127.0.0.1", "[::1]"), converter=_csv)
    # When set (https://api.example.com), absolute URLs in answers start with it whatever the
    # request said, and its host is allowed.
    public_url: str = attrs.field(default="", converter=_public_url)
    # Web origins (https://app.example.com) whose pages may call the API from a browser;
    # "*" for any. Empty: no cross-origin access.
    cors_allowed_origins: tuple[str, ...] = attrs.field(default=(), converter=_csv)
    # Strict-Transport-Security max-age on answers served over TLS; 0 sends none.
    hsts_seconds: int = attrs.field(default=31_536_000, converter=_positive_int)
    # Artwork images: "local" (media_root, served under media_url) or "s3".
    storage_backend: str = attrs.field(default="local", validator=attrs.validators.in_(
        ("local", "s3")))
    # Duplicate detection: "perceptual" (offline) or "rekognition" (perceptual + AWS labels
    # and faces).
    image_analysis: str = attrs.field(default="perceptual", validator=attrs.validators.in_(
        ("perceptual", "rekognition")))
    max_upload_mb: int = attrs.field(default=20, converter=_positive_int)
    # The largest message attachment, in MB.
    max_attachment_mb: int = attrs.field(default=10, converter=_positive_int)
    # The largest image decoded at full size, in pixels (checked on the header before any
    # decoding); larger baseline JPEGs are decoded at 1/2, 1/4 or 1/8 of their size.
    max_image_pixels: int = attrs.field(default=16_000_000, converter=_positive_int)
    # How many uploads of one server process decode and encode pixels at the same time.
    image_jobs_per_process: int = attrs.field(default=2, converter=_positive_int)
    # Private files (artwork originals): a folder that no route serves (local storage), or
    # private S3 objects in private_bucket_name (empty: the media bucket, under "private/").
    private_root: str = "private"
    private_bucket_name: str = ""
    # Lifetime of the presigned URLs that hand private S3 objects to their owners.
    private_url_ttl_seconds: int = attrs.field(default=300, converter=_positive_int)
    # Artwork detail views are written in batches this often (what a crash may lose).
    view_flush_seconds: float = attrs.field(default=5.0, converter=float,
                                            validator=attrs.validators.gt(0))
    # Read also from the unprefixed names the API document uses (AWS_STORAGE_BUCKET_NAME...).
    # Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID, profiles, roles).
    aws_storage_bucket_name: str = ""
    aws_s3_region_name: str = "us-east-1"
    aws_endpoint_url: str = ""
    # Commerce: the platform's share of each sale, how long an unpaid order holds its items,
    # and Stripe (card payments are off while the secret key is empty).
    platform_fee_rate: Decimal = attrs.field(default=Decimal("0.10"), converter=_fee_rate)
    order_reservation_minutes: int = attrs.field(default=30, converter=_positive_int)
    stripe_secret_key: str = attrs.field(default="", repr=False)
    stripe_webhook_secret: str = attrs.field(default="", repr=False)
    stripe_api_base: str = ""
    # How long an Idempotency-Key of a money request is remembered.
    idempotency_key_hours: int = attrs.field(default=24, converter=_positive_int)

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
        for source in sources:
            for name in AWS_NAMES:
                if source.get(name.upper()) and name not in values:
                    values[name] = source[name.upper()]
        values.update(overrides)
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"invalid setting: {exc}") from exc

    def describe(self) -> dict[str, str]:
        """The settings as text, with any password in the database URL masked."""
        shown = {f.name: ",".join(value) if isinstance(value, tuple) else str(value)
                 for f in attrs.fields(type(self)) for value in [getattr(self, f.name)]}
        shown["database_url"] = _mask_password(self.database_url)
        shown["redis_url"] = _mask_password(self.redis_url)
        shown["secret_key"] = "***" if self.secret_key else "(from secret_key_file)"
        shown["stripe_secret_key"] = "***" if self.stripe_secret_key else ""
        shown["stripe_webhook_secret"] = "***" if self.stripe_webhook_secret else ""
        return shown

    def resolve_secret_key(self) -> str:
        """The secret key, or the one in secret_key_file, created there on first use."""
        if self.secret_key:
            return self.secret_key
        path = Path(self.secret_key_file)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        key = path.read_text().strip()
        if len(key) < 32:
            raise SettingsError(f"{path} holds no usable secret key")
        return key


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
