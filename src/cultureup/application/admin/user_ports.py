"""Ports of the admin use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from cultureup.application.admin.user_views import AdminUserFilters, AdminUserRow, UserStats
from cultureup.application.views import Page, PageRequest
from cultureup.domain.moderation.actions import ModerationAction


class AdminUserQueries(Protocol):
    def list_users(self, filters: AdminUserFilters, page: PageRequest) -> Page[AdminUserRow]:
        """One page of accounts with their activity; at most two statements."""
        ...

    def get_user(self, user_id: int) -> AdminUserRow:
        """One row; NotFound("User not found") when there is none."""
        ...

    def user_stats(self, *, recent_since: datetime, now: datetime) -> UserStats:
        """The counts of every account; one statement. `active_users` counts the accounts
        that may be used at `now`: activated, with no suspension or ban in force."""
        ...

    def restricting_actions(self, user_ids: Sequence[int] | None
                            ) -> dict[int, list[ModerationAction]]:
        """The unreversed suspensions and bans of these accounts (None: of every account), by
        account; one statement over ix_moderation_actions_in_force."""
        ...
