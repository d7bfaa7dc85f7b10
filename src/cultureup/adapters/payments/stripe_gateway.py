"""Card payments through Stripe's official SDK: PaymentIntents in PKR (paisa as the minor
unit), 3D Secure, refunds, and verified webhooks.

`api_base` points the SDK at another server with Stripe's API (localstripe in the tests).
Stripe answers a declined card with an error; the intent is then re-read so that the caller
sees its state (requires_payment_method) and the decline message.
"""

from __future__ import annotations

import json
from typing import Any

import stripe

from cultureup.application.commerce.ports import GatewayEvent, GatewayIntent, IntentStatus
from cultureup.domain.errors import InvalidState, ServiceUnavailable, ValidationFailed
from cultureup.domain.money import CURRENCY, Money

WEBHOOK_TOLERANCE_SECONDS = 300


def _unavailable(exc: stripe.StripeError) -> ServiceUnavailable:
    return ServiceUnavailable(f"The card processor could not complete the request "
                              f"({type(exc).__name__}); try again.")


class StripePaymentGateway:
    takes_cards = True

    def __init__(self, *, secret_key: str, api_base: str | None = None,
                 timeout_seconds: float = 20) -> None:
        self._client = stripe.StripeClient(
            secret_key, base_addresses={"api": api_base} if api_base else None,
            max_network_retries=1,
            http_client=stripe.RequestsClient(timeout=timeout_seconds))

    def start(self, *, payment_id: int, amount: Money, description: str,
              idempotency_key: str) -> GatewayIntent:
        try:
            intent = self._client.v1.payment_intents.create(params={
                "amount": amount.cents, "currency": CURRENCY.lower(),
                "payment_method_types": ["card"],
                # (no `description`: localstripe refuses it; the metadata says the same)
                "metadata": {"payment_id": str(payment_id), "description": description},
            }, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        return _intent(intent)

    def confirm(self, reference: str, *, payment_method_id: str) -> GatewayIntent:
        try:
            # The payment method goes on the intent first: some Stripe-compatible servers
            # refuse it as an argument of confirm.
            self._client.v1.payment_intents.update(
                reference, params={"payment_method": payment_method_id})
            intent = self._client.v1.payment_intents.confirm(reference)
        except stripe.CardError as exc:
            return _intent(self._retrieve(reference),
                           failure=exc.user_message or "The card was declined.")
        except stripe.InvalidRequestError as exc:
            raise ValidationFailed({"payment_method_id": [
                exc.user_message or "This payment method cannot be used."]}) from exc
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        return _intent(intent)

    def fetch(self, reference: str) -> GatewayIntent:
        return _intent(self._retrieve(reference))

    def refund(self, reference: str | None, amount: Money, *, idempotency_key: str) -> str:
        if reference is None:
            raise InvalidState("This card payment has no PaymentIntent to refund.")
        try:
            refund = self._client.v1.refunds.create(params={
                "payment_intent": reference, "amount": amount.cents,
            }, options={"idempotency_key": idempotency_key})
        except stripe.InvalidRequestError as exc:
            raise InvalidState(exc.user_message or "Stripe refused the refund.") from exc
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        return str(refund.id)

    def cancel(self, reference: str) -> GatewayIntent:
        intent = self._retrieve(reference)
        if intent["status"] in (IntentStatus.SUCCEEDED, IntentStatus.CANCELED,
                                IntentStatus.PROCESSING):
            return _intent(intent)
        try:
            return _intent(self._client.v1.payment_intents.cancel(reference))
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc

    def _retrieve(self, reference: str) -> Any:
        try:
            return self._client.v1.payment_intents.retrieve(reference)
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc


def _intent(resource: Any, *, failure: str = "") -> GatewayIntent:
    intent = resource.to_dict()
    error = intent.get("last_payment_error")
    message = failure or (error.get("message") if error else "") or ""
    next_action = intent.get("next_action")
    return GatewayIntent(
        reference=intent["id"], status=IntentStatus(intent["status"]),
        client_secret=intent.get("client_secret") or "",
        amount=Money.from_cents(int(intent["amount"])),
        next_action={"type": next_action["type"]} if next_action else None,
        failure_message=message, last_attempt_failed=bool(failure or error))


class StripeWebhookVerifier:
    """Checks the Stripe-Signature header with the SDK (HMAC-SHA256 of "{t}.{payload}" with
    the endpoint's secret, at most five minutes old) before reading the event."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def parse(self, payload: bytes, signature: str | None) -> GatewayEvent:
        if not signature:
            raise ValidationFailed({"Stripe-Signature": ["This header is required."]})
        try:
            event = stripe.Webhook.construct_event(payload, signature, self._secret,
                                                   tolerance=WEBHOOK_TOLERANCE_SECONDS)
        except stripe.SignatureVerificationError as exc:
            raise ValidationFailed({"Stripe-Signature": [
                "The signature is not valid or too old."]}) from exc
        except ValueError as exc:
            raise ValidationFailed({"non_field_errors": ["The body is not a JSON event."]}) \
                from exc
        data = json.loads(payload)
        obj = (data.get("data") or {}).get("object") or {}
        kind = str(data.get("type", ""))
        reference = obj.get("payment_intent") if kind.startswith("charge.") else obj.get("id")
        refunded = obj.get("amount_refunded") if kind == "charge.refunded" else None
        error = obj.get("last_payment_error") or {}
        return GatewayEvent(id=str(event["id"]), type=kind,
                            reference=str(reference) if reference else None,
                            amount_refunded=None if refunded is None
                            else Money.from_cents(int(refunded)),
                            failure_message=str(error.get("message") or ""))
