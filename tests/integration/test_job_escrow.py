"""Escrow when a hired job is cancelled, through the HTTP app: a held payment goes back to the
buyer in full, a pending one is called off, a released one stays the artist's; the ledger
balances throughout."""

from __future__ import annotations

import falcon.testing
import pytest

from cultureup.adapters.sqlalchemy.commerce.queries import SqlAlchemyCommerceQueries
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import Actor, UserType
from cultureup.domain.commerce.ledger import balances
from cultureup.domain.money import Money
from tests.integration.conftest import ApiUser
from tests.integration.test_commerce_api import Shop


@pytest.fixture
def shop(client: falcon.testing.TestClient, services: Services) -> Shop:
    return Shop(client, services)


def hired_job(shop: Shop, amount: str = "1000.00") -> tuple[ApiUser, ApiUser, int]:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    job = shop.commerce.hired_job(
        Actor(id=buyer.id, username=buyer.username, user_type=UserType.BUYER),
        Actor(id=artist.id, username=artist.username, user_type=UserType.ARTIST), amount)
    return artist, buyer, job


def paid(shop: Shop, buyer: ApiUser, job: int) -> int:
    pid = shop.post("/api/payments/", buyer, {"job": job,
                                             "payment_method": "bank_transfer"}).json["id"]
    shop.post(f"/api/payments/{pid}/confirm/", buyer, {"transaction_reference": "MCB-9"})
    shop.services.payments.verify(shop.commerce.admin, pid, reference="MCB-9")
    return int(pid)


def ledger_total(services: Services) -> Money:
    totals = balances(SqlAlchemyCommerceQueries(services.engine).ledger_entries())
    return sum(totals.values(), Money(0))


def cancel(shop: Shop, buyer: ApiUser, job: int) -> None:
    response = shop.post(f"/api/jobs/{job}/cancel/", buyer)
    assert response.status_code == 200, response.text


def test_a_held_payment_is_refunded_in_full_when_the_job_is_cancelled(shop: Shop) -> None:
    artist, buyer, job = hired_job(shop)
    pid = paid(shop, buyer, job)
    shop.services.payments.refund(shop.commerce.admin, pid, amount=Money("250.00"))
    assert str(shop.services.payments.user_money(artist.id).earnings_held) == "675.00"
    cancel(shop, buyer, job)
    payment = shop.get(f"/api/payments/{pid}/", buyer).json
    assert (payment["status"], payment["refunded_amount"], payment["hire_status"]) == (
        "refunded", "1000.00", "cancelled")
    assert shop.services.payments.user_money(buyer.id).total_spent == Money(0)
    artist_money = shop.services.payments.user_money(artist.id)
    assert (artist_money.earnings_held, artist_money.total_earnings) == (Money(0), Money(0))
    assert shop.get("/api/admin/payments/stats/", shop.admin).json["platform_fees"] == "0.00"
    assert ledger_total(shop.services) == Money(0)
    entries = shop.services.audit.list_entries(
        None, AuditFilters(action="admin.payment_refunded"),
        PageRequest(page=1, page_size=10)).items
    assert [(e.details["amount"], e.details.get("reason")) for e in entries
            if e.actor_username == "system"] == [("750.00", "job cancelled")]
    # called again (an admin closing the job after its buyer did), nothing more happens
    assert shop.services.payments.settle_cancelled_job(job) is None


def test_a_pending_payment_is_called_off(shop: Shop) -> None:
    _, buyer, job = hired_job(shop)
    pid = shop.post("/api/payments/", buyer, {"job": job,
                                             "payment_method": "jazzcash"}).json["id"]
    cancel(shop, buyer, job)
    assert shop.get(f"/api/payments/{pid}/", buyer).json["status"] == "failed"
    assert ledger_total(shop.services) == Money(0)


def test_a_released_payment_stays_the_artists(shop: Shop) -> None:
    artist, buyer, job = hired_job(shop)
    pid = paid(shop, buyer, job)
    shop.services.payments.release(shop.commerce.admin, pid)
    cancel(shop, buyer, job)
    payment = shop.get(f"/api/payments/{pid}/", buyer).json
    assert (payment["status"], payment["hire_status"]) == ("completed", "released")
    assert str(shop.services.payments.user_money(artist.id).earnings_available) == "900.00"
