"""The command line's tables: whole cells in pipes and on narrow terminals, stored text
printed as typed (never as markup or terminal control)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from cultureup.entrypoints.cli import output
from cultureup.entrypoints.cli.output import print_table

HEADERS = ("id", "title", "status", "created")
ROWS = [(12345678901234567, "[bold]Sunset[/bold] over the Indus\x1b[31m", "APPROVED",
         datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
        (7, "", None, None)]


def test_a_pipe_gets_one_line_a_row_with_every_cell_whole(
        capsys: pytest.CaptureFixture[str]) -> None:
    print_table(HEADERS, ROWS)
    header, rule, first, second = capsys.readouterr().out.splitlines()
    assert header.split() == list(HEADERS)
    assert set(rule.strip()) == {"─"}
    assert first.split()[0] == "12345678901234567"
    assert "[bold]Sunset[/bold] over the Indus\\x1b[31m" in first
    assert "2026-03-01T09:00:00Z" in first
    # Empty and missing values are a dash, so every row has as many fields.
    assert second.split() == ["7", "-", "-", "-"]


@pytest.mark.parametrize("width", [20, 40, 60])
def test_a_narrow_terminal_wraps_text_but_never_cuts_a_cell(
        monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(output, "console", lambda stderr=False: Console(
        file=screen, width=width, force_terminal=True, color_system=None))
    rows = [(n * 1_000_003, "A long title of several words " * 3, "PENDING",
             datetime(2026, 3, n, tzinfo=UTC)) for n in range(1, 4)]
    print_table(HEADERS, rows)
    text = screen.getvalue()
    for number, _title, status, created in rows:
        assert str(number) in text and status in text
        assert created.strftime("%Y-%m-%dT%H:%M:%SZ") in text
    words = " ".join(line for line in text.splitlines()).split()
    assert words.count("several") == 9
