"""Races moderation must settle: moderators removing one listing at once, an artist sending
two verification applications at once. Exactly one wins; the others get 409 and change
nothing (one audit entry, one notification, one pending application)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.collaboration.tables import notifications
from cultureup.adapters.sqlalchemy.moderation.verification_tables import verification_applications
from cultureup.application.views import AuditFilters, PageRequest
from tests.integration.conftest import Marketplace
from tests.integration.moderation_support import staff_user
from tests.integration.test_verification_applications import _apply

RACERS = 8


def test_moderators_removing_one_job_at_once_remove_it_once(market: Marketplace) -> None:
    buyer = market.user("buyer")
    job = market.job(buyer)
    moderators = [staff_user(market, f"mod_race_{n}") for n in range(RACERS)]
    start = threading.Barrier(RACERS)

    def remove(n: int) -> int:
        start.wait()
        return market.client.simulate_post(
            f"/api/admin/content/{job['id']}/remove/", headers=moderators[n].headers,
            json={"content_type": "job", "reason": f"Spam {n}"}).status_code

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        statuses = list(pool.map(remove, range(RACERS)))

    assert sorted(statuses) == [200] + [409] * (RACERS - 1), statuses
    entries = market.services.audit.list_entries(None, AuditFilters(),
                                                 PageRequest.of(1, 100)).items
    assert [e.action for e in entries].count("moderation.content_removed") == 1
    with market.services.engine.connect() as connection:
        told = connection.execute(select(func.count()).select_from(notifications).where(
            notifications.c.user_id == buyer.id,
            notifications.c.notification_type == "content_removed")).scalar_one()
    assert told == 1


def test_two_applications_at_once_leave_one_pending(market: Marketplace) -> None:
    artist = market.user("artist")
    start = threading.Barrier(4)

    def apply(_: int) -> int:
        start.wait()
        return int(_apply(market, artist, files=[("cv.txt", b"Oils")]).status_code)

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(apply, range(4)))

    assert sorted(statuses) == [201, 409, 409, 409], statuses
    with market.services.engine.connect() as connection:
        pending = connection.execute(select(func.count()).select_from(
            verification_applications).where(
            verification_applications.c.user_id == artist.id)).scalar_one()
    assert pending == 1
