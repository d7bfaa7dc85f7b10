"""Card payments through the real Stripe SDK against localstripe, a fake Stripe server
started for these tests on a free port and stopped by its PID."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import requests
import stripe

from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings
from cultureup.domain.errors import ValidationFailed
from cultureup.domain.money import Money
from tests.integration.commerce_support import (
    Commerce,
    artwork_order,
    intent_event,
    signed_event,
)
from tests.integration.test_commerce_races import race

SECRET_KEY = "sk_test_cultureup"
WEBHOOK_SECRET = "whsec_cultureup_tests"
THREE_D_SECURE = "4000002760003184"
NO_AUTHENTICATION = "4242424242424242"
DECLINED = "4000000000000341"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    executable = shutil.which("localstripe") or str(Path(sys.executable).with_name("localstripe"))
    port = _free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "server.log").open("w")
    process = subprocess.Popen([executable, "--port", str(port), "--from-scratch"],
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/v1/customers", auth=(SECRET_KEY, ""), timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("localstripe did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def card_services(settings: Settings, clock, localstripe: str, services: Services
                  ) -> Iterator[Services]:
    """The services with Stripe configured (the plain `services` fixture empties the tables)."""
    configured = bootstrap(attrs.evolve(settings, stripe_secret_key=SECRET_KEY,
                                        stripe_api_base=localstripe,
                                        stripe_webhook_secret=WEBHOOK_SECRET), clock=clock)
    yield configured
    configured.close()


@pytest.fixture
def stripe_client(localstripe: str) -> stripe.StripeClient:
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe})


def card(client: stripe.StripeClient, number: str) -> str:
    """What Stripe.js does in the browser: turn card details into a PaymentMethod id."""
    return client.v1.payment_methods.create(params={"type": "card", "card": {
        "number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}).id


def authenticate(localstripe: str, intent_id: str, client_secret: str) -> None:
    """What the bank's 3D Secure page does."""
    response = requests.post(f"{localstripe}/v1/payment_intents/{intent_id}/_authenticate",
                             data={"client_secret": client_secret, "success": "true"},
                             auth=(SECRET_KEY, ""), timeout=10)
    assert response.status_code == 200, response.text


def job_payment(services: Services, amount: str = "850.00"):  # type: ignore[no-untyped-def]
    shop = Commerce(services)
    artist, buyer = shop.user("artist"), shop.user("buyer")
    job = shop.hired_job(buyer, artist, amount)
    payment = services.payments.create_payment(buyer, method="stripe", job_id=job)
    return shop, artist, buyer, payment.id


def test_three_d_secure_card_completes_after_authentication(card_services: Services,
                                                            stripe_client, localstripe) -> None:
    services = card_services
    shop, artist, buyer, pid = job_payment(services)
    processed = services.payments.process(buyer, pid)
    again = services.payments.process(buyer, pid)
    assert again.payment_intent_id == processed.payment_intent_id  # a retry, one intent
    intent = stripe_client.v1.payment_intents.retrieve(processed.payment_intent_id)
    assert (intent.amount, intent.currency) == (85000, "pkr")
    confirmed = services.payments.confirm(buyer, pid,
                                          payment_method_id=card(stripe_client, THREE_D_SECURE))
    assert confirmed.requires_action and confirmed.next_action == {"type": "use_stripe_sdk"}
    assert confirmed.client_secret == processed.client_secret
    assert confirmed.payment.status == "pending"
    authenticate(localstripe, processed.payment_intent_id, processed.client_secret)
    done = services.payments.complete_3d_secure(buyer, pid)
    assert done.payment.status == "completed" and done.payment.hire_status == "pending"
    assert str(services.payments.user_money(artist.id).earnings_held) == "765.00"
    refund = services.payments.refund(shop.admin, pid, amount=Money("100.00"), reason="late")
    assert refund.payment.status == "partially_refunded"
    refunds = stripe_client.v1.refunds.list(params={"payment_intent":
                                                    processed.payment_intent_id})
    assert [r.amount for r in refunds.data] == [10000]


def test_a_card_without_3d_secure_completes_on_confirm(card_services: Services,
                                                      stripe_client) -> None:
    _, _, buyer, pid = job_payment(card_services)
    card_services.payments.process(buyer, pid)
    result = card_services.payments.confirm(
        buyer, pid, payment_method_id=card(stripe_client, NO_AUTHENTICATION))
    assert not result.requires_action and result.payment.status == "completed"


def test_a_declined_card_ends_failed(card_services: Services, stripe_client) -> None:
    _, _, buyer, pid = job_payment(card_services)
    card_services.payments.process(buyer, pid)
    result = card_services.payments.confirm(
        buyer, pid, payment_method_id=card(stripe_client, DECLINED))
    assert result.payment.status == "failed" and "declined" in result.failure_message


def test_an_unknown_payment_method_is_a_field_error(card_services: Services) -> None:
    _, _, buyer, pid = job_payment(card_services)
    with pytest.raises(ValidationFailed) as exc:
        card_services.payments.confirm(buyer, pid, payment_method_id="pm_nonexistent")
    assert "payment_method_id" in exc.value.details
    assert card_services.payments.get_payment(buyer, pid).status == "pending"


def test_a_signed_webhook_delivered_ten_times_at_once_has_one_effect(
        card_services: Services) -> None:
    services = card_services
    _, artist, buyer, pid = job_payment(services)
    intent = services.payments.process(buyer, pid).payment_intent_id
    payload, signature = signed_event(WEBHOOK_SECRET, intent_event(
        "evt_once", "payment_intent.succeeded", intent))
    outcomes = race([lambda: services.payments.handle_webhook(payload, signature)] * 10,
                    workers=10)
    assert outcomes == {"ok": 10}
    assert services.payments.get_payment(buyer, pid).status == "completed"
    assert str(services.payments.user_money(artist.id).earnings_held) == "765.00"
    assert str(services.payments.user_money(buyer.id).total_spent) == "850.00"


def test_a_bad_or_stale_signature_is_refused_and_changes_nothing(card_services: Services
                                                                 ) -> None:
    services = card_services
    _, _, buyer, pid = job_payment(services)
    intent = services.payments.process(buyer, pid).payment_intent_id
    event = intent_event("evt_forged", "payment_intent.succeeded", intent)
    payload, _ = signed_event(WEBHOOK_SECRET, event)
    forged_payload, forged = signed_event("whsec_someone_else", event)
    stale_payload, stale = signed_event(WEBHOOK_SECRET, event, at=int(time.time()) - 301)
    for body, header in ((forged_payload, forged), (stale_payload, stale), (payload, None),
                         (payload, "t=1,v1=00")):
        with pytest.raises(ValidationFailed):
            services.payments.handle_webhook(body, header)
    assert services.payments.get_payment(buyer, pid).status == "pending"
    # the refused deliveries did not use up the event id
    assert services.payments.handle_webhook(*signed_event(WEBHOOK_SECRET, event)) == (
        "payment_intent.succeeded")


def test_without_a_stripe_key_cards_are_refused_clearly(services: Services) -> None:
    shop = Commerce(services)
    buyer = shop.user("buyer")
    order = services.orders.place_order(buyer, artwork_order(
        shop.artwork(shop.user("artist"), "10.00")))
    with pytest.raises(ValidationFailed, match="not configured"):
        services.payments.create_payment(buyer, method="stripe", order_id=order.id)


def test_cancelling_an_order_cancels_its_intent_at_stripe(card_services: Services,
                                                          stripe_client) -> None:
    services = card_services
    shop = Commerce(services)
    buyer = shop.user("buyer")
    order = services.orders.place_order(buyer, artwork_order(
        shop.artwork(shop.user("artist"), "2500.00")))
    pid = services.payments.create_payment(buyer, method="stripe", order_id=order.id).id
    intent = services.payments.process(buyer, pid).payment_intent_id
    services.payments.confirm(buyer, pid, payment_method_id=card(stripe_client, THREE_D_SECURE))
    services.orders.cancel(buyer, order.id)
    assert stripe_client.v1.payment_intents.retrieve(intent).status == "canceled"
    assert services.payments.get_payment(buyer, pid).status == "failed"
