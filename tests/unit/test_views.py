"""Page requests, pages, ordering parameters and the deadline flag."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cultureup.application.views import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Page,
    PageRequest,
    check_ordering,
)
from cultureup.domain.errors import ValidationFailed
from cultureup.domain.scheduling import is_deadline_approaching
from tests.unit.builders import NOW


def test_a_page_request_defaults_to_the_first_page_of_twenty() -> None:
    request = PageRequest.of()
    assert (request.page, request.page_size, request.offset) == (1, DEFAULT_PAGE_SIZE, 0)
    assert PageRequest.of(3, 10).offset == 20


@pytest.mark.parametrize(("page", "size", "fields"), [
    (0, 20, {"page"}), (-1, 20, {"page"}), (1, 0, {"page_size"}),
    (1, MAX_PAGE_SIZE + 1, {"page_size"}), (0, 0, {"page", "page_size"}),
])
def test_impossible_page_requests_are_refused(page: int, size: int, fields: set[str]) -> None:
    with pytest.raises(ValidationFailed) as error:
        PageRequest.of(page, size)
    assert set(error.value.details) == fields


def test_a_page_knows_its_neighbours() -> None:
    middle = Page(items=[4, 5, 6], total=10, request=PageRequest.of(2, 3))
    assert (middle.has_previous, middle.has_next, middle.last_page) == (True, True, 4)
    last = Page(items=[10], total=10, request=PageRequest.of(4, 3))
    assert (last.has_previous, last.has_next) == (True, False)
    empty = Page(items=[], total=0, request=PageRequest.of())
    assert (empty.has_previous, empty.has_next, empty.last_page) == (False, False, 1)


@pytest.mark.parametrize("ordering", [None, "", "budget_min", "-budget_min", "-deadline"])
def test_known_orderings_are_accepted(ordering: str | None) -> None:
    assert check_ordering(ordering, ("budget_min", "deadline")) == (ordering or None)


@pytest.mark.parametrize("ordering", ["title", "--budget_min", "-", "budget_min,deadline",
                                      "BUDGET_MIN"])
def test_unknown_orderings_are_refused(ordering: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        check_ordering(ordering, ("budget_min", "deadline"))
    assert set(error.value.details) == {"ordering"}


@pytest.mark.parametrize(("status", "ahead", "flagged"), [
    ("open", timedelta(days=3), True),
    ("open", timedelta(seconds=1), True),
    ("open", timedelta(days=3, seconds=1), False),
    ("open", timedelta(0), False),
    ("open", -timedelta(hours=1), False),
    ("in_progress", timedelta(days=1), False),
    ("cancelled", timedelta(days=1), False),
])
def test_only_open_jobs_due_within_three_days_are_flagged(status: str, ahead: timedelta,
                                                          flagged: bool) -> None:
    assert is_deadline_approaching(status=status, deadline=NOW + ahead, now=NOW) is flagged
