"""The CLI through Typer's runner, and the README's library example, run as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cultureup.application.collaboration.views import ContractFilters, NotificationFilters
from cultureup.application.views import JobFilters, PageRequest
from cultureup.bootstrap import Services
from cultureup.entrypoints.cli.app import app

README = Path(__file__).resolve().parents[2] / "README.md"
runner = CliRunner()


@pytest.fixture
def cli_env(services: Services) -> dict[str, str]:
    return {"CULTUREUP_DATABASE_URL": services.settings.database_url,
            "CULTUREUP_PASSWORD_HASH_TIME_COST": "1",
            "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024"}


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "setup-admin", "db"):
        assert command in result.output


def test_setup_admin_creates_superuser_and_sample_data_once(
        services: Services, cli_env: dict[str, str]) -> None:
    first = runner.invoke(app, ["setup-admin", "--create-superuser", "--create-sample-data",
                                "--json"], env=cli_env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert "superuser admin" in report["created"]
    assert any("default password" in warning for warning in report["warnings"])
    jobs = services.jobs.list_jobs(JobFilters(), PageRequest.of())
    assert jobs.total >= 4 and any(job.total_bids for job in jobs.items)
    login = services.accounts.login(username="admin", password="admin123")
    assert login.user.is_superuser
    sarah, omar = (services.accounts.find_actor(name) for name in ("buyer_sarah", "buyer_omar"))
    ayesha = services.accounts.find_actor("artist_ayesha")
    contracts = services.contracts.list_contracts(omar, ContractFilters(), PageRequest.of())
    assert [(c.status, c.is_fully_signed) for c in contracts.items] == [("active", True)]
    assert [c.user.username for c in services.messages.conversations(sarah)] == [
        "artist_ayesha"]
    stats = services.dashboard.stats(ayesha).stats
    assert (stats.total_reviews, stats.average_rating) == (1, 5)  # type: ignore[union-attr]
    kinds = {n.notification_type for n in services.notifications.list_notifications(
        ayesha, NotificationFilters(), PageRequest.of(1, 100)).items}
    assert {"bid_accepted", "new_message", "job_completed", "new_review"} <= kinds

    second = runner.invoke(app, ["setup-admin", "--create-superuser", "--create-sample-data",
                                 "--json"], env=cli_env)
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["created"] == []
    assert services.jobs.list_jobs(JobFilters(), PageRequest.of()).total == jobs.total
    assert services.contracts.list_contracts(omar, ContractFilters(),
                                             PageRequest.of()).total == 1


def test_setup_admin_with_custom_credentials(services: Services,
                                             cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["setup-admin", "--create-superuser", "--admin-username",
                                 "boss", "--admin-email", "boss@example.com",
                                 "--admin-password", "A-secret-long-enough"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "default password" not in result.output
    assert services.accounts.login(username="boss",
                                   password="A-secret-long-enough").user.is_superuser


def test_sample_data_without_a_superuser_is_refused(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["setup-admin", "--create-sample-data"], env=cli_env)
    assert result.exit_code == 1
    assert "No superuser named 'admin'" in result.output


def test_setup_admin_with_nothing_to_do_is_a_usage_error(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["setup-admin"], env=cli_env)
    assert result.exit_code == 2


def test_db_upgrade_and_current_report_the_head_revision(cli_env: dict[str, str]) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"], env=cli_env)
    assert upgraded.exit_code == 0, upgraded.output
    current = runner.invoke(app, ["db", "current"], env=cli_env)
    revisions = re.findall(r"current: (\w+); head: (\w+)", current.output)
    assert revisions and revisions[0][0] == revisions[0][1]


def test_an_invalid_setting_is_reported_not_crashed_on(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["db", "current"],
                           env={**cli_env, "CULTUREUP_TOKEN_TTL_DAYS": "soon"})
    assert result.exit_code == 2
    assert "invalid setting" in result.output


def test_the_readme_library_example_runs_as_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    text = README.read_text()
    example = re.search(r"<!-- library-example -->\n```python\n(.*?)```", text, re.S)
    assert example, "the README lost its library example"
    monkeypatch.chdir(tmp_path)
    exec(compile(example.group(1), "README.md", "exec"), {"__name__": "readme_example"})
    assert capsys.readouterr().out.strip() == "in_progress hamza 52000.00"
