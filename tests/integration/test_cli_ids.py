"""Every `cultureup` command that takes an id or a whole number reads it by one rule
(domain/ids.py, as HTTP paths and query strings do): ASCII digits only, ids from 1 to
2**31 - 1. Anything else is a usage error (exit code 2) that names the rule, never a
traceback and never another account: "١٢" is not user 12."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cultureup.entrypoints.cli.app import app
from tests.integration.admin_support import staff_account
from tests.integration.conftest import Marketplace

runner = CliRunner()

# Each command with an id argument, the id's place marked by ID.
ID_COMMANDS = [
    ("users", "verify", "ID"), ("users", "activate", "ID"), ("users", "deactivate", "ID"),
    ("users", "make-staff", "ID"), ("artworks", "approve", "ID"),
    ("artworks", "reject", "ID", "--reason", "no"), ("artworks", "feature", "ID"),
    ("jobs", "close", "ID"), ("categories", "activate", "ID"),
    ("categories", "deactivate", "ID"), ("equipment", "stock", "ID", "--set", "3"),
    ("users", "bulk", "verify", "--ids", "ID"),
    ("artworks", "bulk", "--action", "approve", "--ids", "ID"),
    ("payments", "verify", "ID"), ("payments", "release", "ID"), ("orders", "cancel", "ID"),
    ("orders", "force-complete", "ID"), ("moderation", "resolve", "ID"),
    ("moderation", "decide", "ID"), ("moderation", "remove", "ID"),
    ("moderation", "restore", "ID"), ("moderation", "verify", "ID"),
]
NOT_IDS = [str(2**63), str(2**63 - 1), str(2**31), "0", "+1", "\u0661\u0662", "\uff15",
           "1e3"]
# Whole-number options, each with a value in range.
NUMBER_OPTIONS = [
    ("users", "list", "--as", "root", "--page", "1"),
    ("users", "list", "--as", "root", "--page-size", "5"),
    ("equipment", "stock", "1", "--as", "root", "--set", "1"),
    ("equipment", "stock", "1", "--as", "root", "--adjust", "1"),
    ("audit", "list", "--limit", "5"), ("payments", "list", "--as", "root", "--limit", "5"),
    ("moderation", "reports", "--as", "root", "--limit", "5"),
    ("moderation", "suspend", "x", "--as", "root", "--reason", "r", "--days", "1"),
    ("messages", "list", "--user", "root", "--limit", "5"),
]


@pytest.mark.parametrize("command", ID_COMMANDS, ids=" ".join)
def test_every_id_argument_takes_only_ascii_ids_in_range(env: dict[str, str],
                                                         command: tuple[str, ...]) -> None:
    for bad in NOT_IDS:
        args = [bad if part == "ID" else part for part in command]
        result = runner.invoke(app, [*args, "--as", "root"], env=env)
        assert result.exit_code == 2, (bad, result.output)
        assert "is not an id" in result.output and "2147483647" in result.output, bad
        assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", NUMBER_OPTIONS, ids=" ".join)
def test_every_whole_number_option_takes_only_ascii_digits(
        env: dict[str, str], command: tuple[str, ...]) -> None:
    *head, value = command
    assert value.isascii()
    for bad in ("\u0661", "\uff15", "1.0", "x", "9" * 30):
        result = runner.invoke(app, [*head, bad], env=env)
        assert result.exit_code == 2, (bad, result.output)
        assert "ASCII digits" in result.output, bad
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_arabic_indic_or_fullwidth_ids_never_reach_an_account(market: Marketplace,
                                                              env: dict[str, str]) -> None:
    staff_account(market, "root")
    users = [market.user("artist") for _ in range(3)]
    target = users[-1]
    indic = "".join(chr(0x0660 + int(d)) for d in str(target.id))
    wide = "".join(chr(0xFF10 + int(d)) for d in str(target.id))
    for ids in (indic, wide, f"{users[0].id},{indic}", str(2**63)):
        result = runner.invoke(app, ["users", "bulk", "verify", "--as", "root", "--ids", ids],
                               env=env)
        assert result.exit_code == 2 and "is not an id" in result.output, result.output
    with market.services.engine.connect() as connection:
        verified = connection.execute(text(
            "SELECT count(*) FROM users WHERE is_verified")).scalar()
    assert verified == 0
    result = runner.invoke(app, ["users", "verify", str(2**63), "--as", "root"], env=env)
    assert result.exit_code == 2 and "Traceback" not in result.output
