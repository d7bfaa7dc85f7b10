"""Time rules shared by the job views."""

from __future__ import annotations

from datetime import datetime, timedelta

# An open job whose deadline falls within this window is flagged to artists as urgent.
DEADLINE_APPROACHING_WINDOW = timedelta(days=3)


def is_deadline_approaching(*, status: str, deadline: datetime, now: datetime) -> bool:
    """True for an open job whose deadline is still ahead but less than three days away."""
    return status == "open" and now < deadline <= now + DEADLINE_APPROACHING_WINDOW
