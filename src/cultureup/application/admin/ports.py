"""Ports of the admin catalogue: figures over the whole catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from cultureup.application.admin.views import ArtworkStats, JobStats


class AdminCatalogQueries(Protocol):
    def artwork_stats(self, *, recent_since: datetime) -> ArtworkStats:
        """Counts and sums over every artwork, whatever its status (one query)."""
        ...

    def job_stats(self, *, recent_since: datetime) -> JobStats:
        """Counts by status, average budgets and the number of bids (two queries)."""
        ...

    def existing_artwork_ids(self, artwork_ids: list[int]) -> set[int]:
        """Which of these ids name an artwork (one query)."""
        ...
