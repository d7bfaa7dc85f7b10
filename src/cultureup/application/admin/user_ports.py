"""Ports of the admin use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from cultureup.application.admin.user_views import AdminUserFilters, AdminUserRow, UserStats
from cultureup.application.views import Page, PageRequest


class AdminUserQueries(Protocol):
    def list_users(self, filters: AdminUserFilters, page: PageRequest) -> Page[AdminUserRow]:
        """One page of accounts with their activity; at most two statements."""
        ...

    def get_user(self, user_id: int) -> AdminUserRow:
        """One row; NotFound("User not found") when there is none."""
        ...

    def user_stats(self, *, recent_since: datetime) -> UserStats:
        """The counts of every account; one statement."""
        ...
