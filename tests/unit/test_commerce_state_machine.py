"""Random sequences of orders, payments, releases, refunds and cancellations (of orders and
of hired jobs) keep the books balanced, the stock whole, and every user's totals equal to
what the ledger says."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from cultureup.domain.accounts.users import UserType
from cultureup.domain.commerce.ledger import Account, AccountKind, balances
from cultureup.domain.commerce.orders import ItemRequest, OrderRequest, OrderStatus
from cultureup.domain.commerce.payments import HireStatus, PaymentStatus
from cultureup.domain.errors import DomainError
from cultureup.domain.money import Money
from tests.unit.commerce_fakes import Shop

STOCK = 5
METHODS = st.sampled_from(["card", "card_3ds", "card_declined", "bank_transfer",
                           "cash_on_delivery"])


class Commerce(RuleBasedStateMachine):
    @initialize(rate=st.sampled_from(["0.10", "0.15", "0.00", "0.333"]))
    def open_shop(self, rate: str) -> None:
        self.shop = Shop.create(rate=rate)
        shop = self.shop
        self.buyers = [shop.user("sana", UserType.BUYER), shop.user("omar", UserType.BUYER)]
        self.artists = [shop.user("hamza", UserType.ARTIST), shop.user("zara", UserType.ARTIST)]
        self.staff = shop.user("manager", UserType.ADMIN, staff=True)
        self.artworks = [shop.artwork(self.artists[i % 2], price, title=f"Work {i}")
                         for i, price in enumerate(["299.99", "0.05", "1250.10", "77.77"])]
        self.items = [shop.item("19.99", STOCK), shop.item("0.03", STOCK)]

    def _try(self, action) -> object:  # type: ignore[no-untyped-def]
        try:
            return action()
        except DomainError:
            return None

    @rule(buyer=st.integers(0, 1), artworks=st.sets(st.integers(0, 3), max_size=2),
          items=st.dictionaries(st.integers(0, 1), st.integers(1, 3), max_size=2))
    def place_order(self, buyer: int, artworks: set[int], items: dict[int, int]) -> None:
        request = OrderRequest(
            order_type="artwork" if artworks else "equipment", shipping_address="Lahore",
            artwork_items=tuple(ItemRequest(item_id=self.artworks[i]) for i in sorted(artworks)),
            equipment_items=tuple(ItemRequest(item_id=self.items[i], quantity=q)
                                  for i, q in sorted(items.items())))
        self._try(lambda: self.shop.orders.place_order(self.buyers[buyer], request))

    @rule(buyer=st.integers(0, 1), artist=st.integers(0, 1),
          cents=st.integers(1, 100_000_00))
    def hire_for_a_job(self, buyer: int, artist: int, cents: int) -> None:
        self.shop.hired_job(self.buyers[buyer], self.artists[artist],
                            str(Money.from_cents(cents)))

    def _orders(self) -> list[int]:
        return sorted(self.shop.state.orders)

    def _jobs(self) -> list[int]:
        return sorted(self.shop.state.jobs)

    def _payments(self) -> list[int]:
        return sorted(self.shop.state.payments)

    def _pay(self, payer, method: str, **target: int) -> None:  # type: ignore[no-untyped-def]
        payments, shop = self.shop.payments, self.shop
        chosen = "stripe" if method.startswith("card") else method
        view = self._try(lambda: payments.create_payment(payer, method=chosen, **target))
        if view is None:
            return
        pid = view.id  # type: ignore[attr-defined]
        if chosen == "stripe":
            card = {"card": "pm_card_visa", "card_3ds": "pm_card_threeDSecure",
                    "card_declined": "pm_card_declined"}[method]
            intent = payments.process(payer, pid).payment_intent_id
            result = payments.confirm(payer, pid, payment_method_id=card)
            if result.requires_action:
                shop.card.authenticate(intent, success=True)
                payments.complete_3d_secure(payer, pid)
        elif chosen == "bank_transfer":
            payments.confirm(payer, pid, payer_reference=f"REF-{pid}")
            payments.verify(self.staff, pid, reference=f"REF-{pid}")

    @rule(data=st.data(), method=METHODS)
    def pay_an_order(self, data: st.DataObject, method: str) -> None:
        if not self._orders():
            return
        order_id = data.draw(st.sampled_from(self._orders()))
        payer = next(b for b in self.buyers
                     if b.id == self.shop.state.orders[order_id].buyer_id)
        self._pay(payer, method, order_id=order_id)

    @rule(data=st.data(), method=METHODS.filter(lambda m: m != "cash_on_delivery"))
    def pay_a_job(self, data: st.DataObject, method: str) -> None:
        if not self._jobs():
            return
        job_id = data.draw(st.sampled_from(self._jobs()))
        payer = next(b for b in self.buyers if b.id == self.shop.state.jobs[job_id].buyer_id)
        self._pay(payer, method, job_id=job_id)

    @rule(data=st.data())
    def complete_a_job(self, data: st.DataObject) -> None:
        if self._jobs():
            job_id = data.draw(st.sampled_from(self._jobs()))
            buyer = next(b for b in self.buyers
                         if b.id == self.shop.state.jobs[job_id].buyer_id)
            self._try(lambda: self.shop.complete_job(buyer, job_id))

    @rule(data=st.data())
    def cancel_a_job(self, data: st.DataObject) -> None:
        if self._jobs():
            job_id = data.draw(st.sampled_from(self._jobs()))
            buyer = next(b for b in self.buyers
                         if b.id == self.shop.state.jobs[job_id].buyer_id)
            self._try(lambda: self.shop.cancel_job(buyer, job_id))

    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        if self._payments():
            pid = data.draw(st.sampled_from(self._payments()))
            self._try(lambda: self.shop.payments.release(self.staff, pid, reason="ok"))

    @rule(data=st.data(), fraction=st.one_of(st.none(), st.integers(1, 100)))
    def refund(self, data: st.DataObject, fraction: int | None) -> None:
        if not self._payments():
            return
        pid = data.draw(st.sampled_from(self._payments()))
        payment = self.shop.state.payments[pid]
        amount = None if fraction is None else Money.from_cents(
            max(1, payment.refundable.cents * fraction // 100))
        self._try(lambda: self.shop.payments.refund(self.staff, pid, amount=amount))

    @rule(data=st.data(), by_staff=st.booleans())
    def cancel_order(self, data: st.DataObject, by_staff: bool) -> None:
        if self._orders():
            order_id = data.draw(st.sampled_from(self._orders()))
            order = self.shop.state.orders[order_id]
            actor = self.staff if by_staff else next(b for b in self.buyers
                                                     if b.id == order.buyer_id)
            self._try(lambda: self.shop.orders.cancel(actor, order_id, reason="test"))

    @rule(data=st.data())
    def deliver_and_complete(self, data: st.DataObject) -> None:
        if self._orders():
            order_id = data.draw(st.sampled_from(self._orders()))
            buyer = next(b for b in self.buyers
                         if b.id == self.shop.state.orders[order_id].buyer_id)
            self._try(lambda: self.shop.orders.force_complete(self.staff, order_id))
            self._try(lambda: self.shop.orders.complete(buyer, order_id))

    @rule(minutes=st.integers(1, 45))
    def time_passes(self, minutes: int) -> None:
        self.shop.clock.advance(timedelta(minutes=minutes))
        self.shop.orders.expire_reservations()

    def teardown(self) -> None:
        for payment in self.shop.state.payments.values():
            event(f"payment reached {payment.status.value}/{payment.hire_status.value}")

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def every_transaction_balances(self) -> None:
        for transaction in self.shop.state.ledger:
            assert sum((e.amount for e in transaction.entries), Money(0)) == Money(0)

    @invariant()
    def stock_is_never_lost_or_negative(self) -> None:
        state = self.shop.state
        for item_id in self.items:
            ordered = sum(line.quantity for order in state.orders.values()
                          if order.status is not OrderStatus.CANCELLED
                          for line in order.lines if line.kind.value == "equipment"
                          and line.item_id == item_id)
            assert state.equipment[item_id].stock_quantity >= 0
            assert state.equipment[item_id].stock_quantity + ordered == STOCK

    @invariant()
    def an_artwork_is_in_at_most_one_live_order(self) -> None:
        state = self.shop.state
        for artwork_id in self.artworks:
            live = [o for o in state.orders.values() if o.status is not OrderStatus.CANCELLED
                    and artwork_id in o.artwork_ids]
            assert len(live) <= 1
            if live:
                assert state.holds[artwork_id][0] == live[0].id
            if not state.artworks[artwork_id].is_available:
                assert live and live[0].is_paid

    @invariant()
    def each_payment_is_booked_as_its_state_says(self) -> None:
        """Per payment, independently of the ledger's own arithmetic: what the buyer is out
        of pocket, where each artist's earning sits, and that refunds stay within the fee."""
        state = self.shop.state
        for payment in state.payments.values():
            assert Money(0) <= payment.refunded_amount <= payment.amount
            booked = balances(e for t in state.ledger if t.payment_id == payment.id
                              for e in t.entries)
            paid = payment.status not in (PaymentStatus.PENDING, PaymentStatus.FAILED)
            kept = payment.refundable if paid else Money(0)
            buyer = [a for a in booked if a.kind is AccountKind.BUYER]
            assert sum((booked[a] for a in buyer), Money(0)) == Money(0) - kept
            for share in payment.shares:
                if share.seller_id is None:
                    continue
                held = booked.get(_account(AccountKind.ARTIST_HELD, share.seller_id), Money(0))
                free = booked.get(_account(AccountKind.ARTIST_AVAILABLE, share.seller_id),
                                  Money(0))
                if payment.hire_status is HireStatus.RELEASED:
                    assert held == Money(0)
                else:
                    assert free == Money(0)
                if payment.refunded_amount == Money(0):
                    assert held + free == (share.split.artist_earning if paid else Money(0))
                assert Money(0) <= held + free <= share.split.artist_earning
            fee = booked.get(_account(AccountKind.PLATFORM_FEES), Money(0))
            if paid and payment.refunded_amount < payment.amount:
                fees = sum((s.split.platform_fee for s in payment.shares
                            if s.seller_id is not None), Money(0))
                expected = Money.from_cents(fees.cents) - Money.from_cents(int(
                    (Decimal(fees.cents) * payment.refunded_amount.cents
                     / payment.amount.cents).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
                assert fee == expected  # the fee is refunded in proportion

    @invariant()
    def a_cancelled_job_holds_no_money(self) -> None:
        """Escrow ends with the job: its payment failed, was refunded in full, or had been
        released to the artist before the cancellation."""
        state = self.shop.state
        for payment in state.payments.values():
            job = state.jobs.get(payment.job_id) if payment.job_id is not None else None
            if job is not None and job.status.value == "cancelled":
                assert payment.status in (PaymentStatus.FAILED, PaymentStatus.REFUNDED) or (
                    payment.hire_status is HireStatus.RELEASED), payment

    @invariant()
    def user_totals_and_stats_equal_the_ledger(self) -> None:
        state, payments = self.shop.state, self.shop.payments
        ledger = balances(self.shop.store.entries())
        assert sum(ledger.values(), Money(0)) == Money(0)
        for user in [*self.buyers, *self.artists]:
            money = payments.user_money(user.id)
            spent = sum((p.refundable for p in state.payments.values()
                         if p.payer_id == user.id and p.status not in (
                             PaymentStatus.PENDING, PaymentStatus.FAILED)), Money(0))
            assert money.total_spent == spent
            assert money.earnings_held == ledger.get(
                _account(AccountKind.ARTIST_HELD, user.id), Money(0))
            assert money.earnings_available == ledger.get(
                _account(AccountKind.ARTIST_AVAILABLE, user.id), Money(0))
        stats = payments.stats(self.staff)
        platform = sum((amount for account, amount in ledger.items()
                        if account.kind in (AccountKind.PLATFORM_FEES,
                                            AccountKind.PLATFORM_SALES)), Money(0))
        assert stats.platform_fees == platform
        assert stats.total_revenue == sum((payments.user_money(b.id).total_spent
                                           for b in self.buyers), Money(0))


def _account(kind: AccountKind, user_id: int | None = None) -> Account:
    return Account(kind, user_id)


Commerce.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestCommerce = Commerce.TestCase
