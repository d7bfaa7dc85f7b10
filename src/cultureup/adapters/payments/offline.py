"""The offline payment methods: JazzCash, bank transfer and cash on delivery.

The money moves outside the platform: the payer transfers it (JazzCash, bank) and submits the
transaction id for staff to verify, or pays the courier (cash on delivery, completed when the
order is delivered). A refund is paid back the same way by staff and recorded here. A real
JazzCash integration can replace `OfflineGateway` for that method without touching the rules.
"""

from __future__ import annotations

import secrets

from cultureup.application.commerce.ports import GatewayIntent
from cultureup.domain.commerce.payments import PaymentMethod
from cultureup.domain.errors import InvalidState
from cultureup.domain.money import Money

LABELS = {PaymentMethod.JAZZCASH: "JazzCash", PaymentMethod.BANK_TRANSFER: "bank transfer",
          PaymentMethod.CASH_ON_DELIVERY: "cash on delivery"}


class OfflineGateway:
    takes_cards = False

    def __init__(self, method: PaymentMethod) -> None:
        self.method = method

    def _not_by_card(self) -> InvalidState:
        return InvalidState(f"A {LABELS.get(self.method, self.method.value)} payment is not "
                            "processed by card; staff settle it.")

    def start(self, *, payment_id: int, amount: Money, description: str,
              idempotency_key: str) -> GatewayIntent:
        raise self._not_by_card()

    def confirm(self, reference: str, *, payment_method_id: str) -> GatewayIntent:
        raise self._not_by_card()

    def fetch(self, reference: str) -> GatewayIntent:
        raise self._not_by_card()

    def cancel(self, reference: str) -> GatewayIntent:
        raise self._not_by_card()

    def refund(self, reference: str | None, amount: Money, *, idempotency_key: str) -> str:
        """Staff pay the refund back by the same channel; the record is the reference."""
        return f"manual-{idempotency_key}"


class RandomTransactionIds:
    def new_transaction_id(self) -> str:
        return "TXN" + secrets.token_hex(6).upper()
