"""tests/contract/schemathesis.toml stays well-formed: schemathesis reads it, and every
[[operations]] entry gives its reason, names its operations with exactly one filter (an
entry's filters are alternatives to schemathesis, so a path filter next to a method filter
would match every operation of that method), and relaxes only the expected statuses of
positive data acceptance, with well-formed statuses."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from schemathesis.config import SchemathesisConfig

SETTINGS = Path(__file__).parents[1] / "contract" / "schemathesis.toml"
FILTERS = {"include-name", "include-name-regex", "include-path", "include-path-regex"}
REGEX_FILTERS = {"include-name-regex", "include-path-regex"}
STATUS = re.compile(r"^[1-5](xx|[0-9]{2})$")
OPERATION = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) /api/")


def entries() -> list[dict[str, Any]]:
    return list(tomllib.loads(SETTINGS.read_text(encoding="utf-8"))["operations"])


def test_schemathesis_reads_the_settings() -> None:
    config = SchemathesisConfig.from_path(SETTINGS)
    assert len(config.projects.default.operations.operations) == len(entries())


def test_every_entry_is_preceded_by_its_reason() -> None:
    lines = SETTINGS.read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines) if line.strip() == "[[operations]]"]
    assert len(starts) == len(entries())
    for n in starts:
        assert n > 0 and lines[n - 1].startswith("# ") and len(lines[n - 1]) > 10, (
            f"line {n + 1}: an entry without a comment giving its reason")


@pytest.mark.parametrize("entry", entries(), ids=lambda entry: next(
    (str(entry[key]) for key in sorted(FILTERS) if key in entry), "?"))
def test_every_entry_is_one_filter_and_expected_statuses(entry: dict[str, Any]) -> None:
    filters = set(entry) & FILTERS
    assert len(filters) == 1, f"one filter per entry, not {sorted(set(entry) - {'checks'})}"
    assert set(entry) == filters | {"checks"}, f"unknown keys: {sorted(entry)}"
    [key] = filters
    value = entry[key]
    assert isinstance(value, str) and value
    if key in REGEX_FILTERS:
        pattern = re.compile(value)
        assert value.startswith("^") and value.endswith("$"), "anchor the whole name or path"
        assert "/api/" in pattern.pattern
    elif key == "include-name":
        assert OPERATION.match(value) and value.endswith("/")
    else:
        assert value.startswith("/api/") and value.endswith("/")
    assert list(entry["checks"]) == ["positive_data_acceptance"]
    check = entry["checks"]["positive_data_acceptance"]
    assert list(check) == ["expected-statuses"]
    statuses = check["expected-statuses"]
    assert all(isinstance(status, str) and STATUS.match(status) for status in statuses), (
        statuses)
    assert len(set(statuses)) == len(statuses)
    assert "2xx" in statuses and "400" in statuses, "an entry exists to accept a 400"
    assert not any(status.startswith("5") for status in statuses), "never accept a 5xx"
