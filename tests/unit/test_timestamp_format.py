"""The API's timestamp format (entrypoints/http/fields.format_timestamp)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from cultureup.entrypoints.http.fields import format_timestamp

ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=5)),
                         timezone(-timedelta(hours=3, minutes=30))])


@given(st.datetimes(timezones=ZONES))
def test_a_timestamp_is_written_as_strftime_writes_it(value: datetime) -> None:
    assert format_timestamp(value) == value.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_timestamp_is_written_to_the_second_in_utc_notation() -> None:
    assert format_timestamp(datetime(2025, 10, 20, 23, 59, 59, 999_999, tzinfo=UTC)) == (
        "2025-10-20T23:59:59Z")
