"""Settings: defaults, the .env file, the environment, and refusal of unusable values."""

from __future__ import annotations

from pathlib import Path

import pytest

from cultureup.config import Settings, SettingsError


def test_defaults_need_no_setup() -> None:
    settings = Settings.from_env(environ={}, env_file=None)
    assert settings.database_url == "sqlite:///cultureup.db"
    assert settings.media_root == "media"
    assert settings.port == 8000


def test_environment_overrides_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("CULTUREUP_PORT=9000\nCULTUREUP_MEDIA_ROOT=/srv/media\n")
    settings = Settings.from_env(environ={"CULTUREUP_PORT": "9100"}, env_file=env_file)
    assert settings.port == 9100
    assert settings.media_root == "/srv/media"


def test_unrelated_and_unknown_variables_are_ignored() -> None:
    settings = Settings.from_env(environ={"PORT": "1", "CULTUREUP_NOT_A_SETTING": "x"},
                                 env_file=None)
    assert settings.port == 8000


@pytest.mark.parametrize(("name", "value"), [
    ("CULTUREUP_PORT", "eighty"),
    ("CULTUREUP_TOKEN_TTL_DAYS", "-1"),
    ("CULTUREUP_MIGRATE_ON_START", "maybe"),
])
def test_unusable_values_are_refused_with_a_clear_error(name: str, value: str) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(environ={name: value}, env_file=None)


def test_describe_masks_the_database_password() -> None:
    settings = Settings(database_url="postgresql://app:s3cret@db.internal/cultureup")
    assert "s3cret" not in str(settings.describe())
    assert settings.describe()["database_url"] == "postgresql://app:***@db.internal/cultureup"


def test_host_and_origin_lists_come_comma_separated() -> None:
    settings = Settings.from_env(environ={
        "CULTUREUP_ALLOWED_HOSTS": "api.example.com, .cultureup.example,",
        "CULTUREUP_CORS_ALLOWED_ORIGINS": "https://app.example.com"}, env_file=None)
    assert settings.allowed_hosts == ("api.example.com", ".cultureup.example")
    assert settings.cors_allowed_origins == ("https://app.example.com",)
    assert settings.describe()["allowed_hosts"] == "api.example.com,.cultureup.example"
    defaults = Settings.from_env(environ={}, env_file=None)
    assert defaults.allowed_hosts == ("localhost", "127.0.0.1", "[::1]")
    assert defaults.cors_allowed_origins == () and defaults.public_url == ""


@pytest.mark.parametrize("url", ["api.example.com", "ftp://api.example.com",
                                 "https://api.example.com/?x=1", "https://user@api.example.com",
                                 "https://"])
def test_a_public_url_must_be_an_http_origin(url: str) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(environ={"CULTUREUP_PUBLIC_URL": url}, env_file=None)


def test_a_public_url_loses_its_trailing_slash() -> None:
    assert Settings(public_url="https://api.example.com/market/").public_url == \
        "https://api.example.com/market"
