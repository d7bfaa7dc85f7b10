"""`cultureup payments ...` and `cultureup orders ...`: the staff money actions, through the
same use cases as the admin API, each written to the audit log with its reason."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cultureup.application.commerce.views import OrderView, PaymentFilters, PaymentView
from cultureup.application.views import PageRequest
from cultureup.bootstrap import Services
from cultureup.domain.money import Money
from cultureup.entrypoints.cli.common import AsJson, AsUser, IdArgument, Reason, run, whole_number
from cultureup.entrypoints.cli.output import iso, print_table

payments_app = typer.Typer(help="Payments: list, verify offline transfers, release escrow, "
                                "refund.", no_args_is_help=True)
orders_app = typer.Typer(help="Orders: cancel, force-complete, expire reservations.",
                         no_args_is_help=True)


def payment_json(payment: PaymentView) -> dict[str, Any]:
    return {"id": payment.id, "transaction_id": payment.transaction_id,
            "payer": payment.payer.username,
            "payee": payment.payee.username if payment.payee else None,
            "order": payment.order, "job": payment.job.id if payment.job else None,
            "amount": str(payment.amount), "payment_method": payment.payment_method,
            "status": payment.status, "hire_status": payment.hire_status,
            "refunded_amount": str(payment.refunded_amount),
            "platform_fee": str(payment.platform_fee),
            "artist_earning": str(payment.artist_earning),
            "payer_reference": payment.payer_reference,
            "stripe_payment_intent": payment.stripe_payment_intent,
            "created_at": iso(payment.created_at)}


def order_json(order: OrderView) -> dict[str, Any]:
    return {"id": order.id, "buyer": order.buyer.username, "status": order.status,
            "total_amount": str(order.total_amount), "is_paid": order.is_paid,
            "updated_at": iso(order.updated_at)}


def _show_payment(payment: PaymentView, as_json: bool, message: str) -> None:
    if as_json:
        typer.echo(json.dumps(payment_json(payment)))
    else:
        typer.echo(message)


@payments_app.command("list")
def payments_list(
    as_user: AsUser,
    status: Annotated[str | None, typer.Option(
        help="pending, completed, failed, partially_refunded or refunded.")] = None,
    method: Annotated[str | None, typer.Option(
        help="stripe, jazzcash, bank_transfer or cash_on_delivery.")] = None,
    hire_status: Annotated[str | None, typer.Option(
        help="pending, released or cancelled.")] = None,
    search: Annotated[str | None, typer.Option(
        help="Part of a transaction id, payer or payee username.")] = None,
    limit: Annotated[int, typer.Option(parser=whole_number(1, 200), help="Payments to show.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Show payments, newest first."""
    def action(services: Services) -> Any:
        actor = services.accounts.staff_actor(as_user)
        return services.payments.admin_list_payments(actor, PaymentFilters(
            status=status, payment_method=method, hire_status=hire_status, search=search),
            PageRequest.of(1, limit, max_page_size=200))

    page = run(action)
    if as_json:
        for payment in page.items:
            typer.echo(json.dumps(payment_json(payment)))
        return
    print_table(
        ("id", "transaction", "payer", "payee", "amount", "method", "status", "escrow", "fee",
         "created"),
        [(p.id, p.transaction_id, p.payer.username, p.payee.username if p.payee else None,
          p.amount, p.payment_method, p.status, p.hire_status, p.platform_fee, p.created_at)
         for p in page.items], right=("amount", "fee"))
    typer.secho(f"{len(page.items)} of {page.total} payments", err=True, fg="cyan")


@payments_app.command("verify")
def payments_verify(
    payment_id: Annotated[int, IdArgument("The payment's id.")],
    as_user: AsUser,
    reference: Annotated[str, typer.Option(
        help="The transaction id seen on the JazzCash or bank statement.")],
    reason: Reason = "", as_json: AsJson = False,
) -> None:
    """Complete a JazzCash or bank transfer whose money arrived under the payer's reference."""
    payment = run(lambda s: s.payments.verify(s.accounts.staff_actor(as_user), payment_id,
                                               reference=reference, reason=reason))
    _show_payment(payment, as_json, f"Payment {payment.transaction_id} verified: "
                  f"{payment.amount} received.")


@payments_app.command("release")
def payments_release(
    payment_id: Annotated[int, IdArgument("The payment's id.")],
    as_user: AsUser, reason: Reason = "", as_json: AsJson = False,
) -> None:
    """Release the artist's held earning of a paid payment."""
    payment = run(lambda s: s.payments.release(s.accounts.staff_actor(as_user), payment_id,
                                                reason=reason))
    _show_payment(payment, as_json, f"Payment {payment.transaction_id} released to artist.")


@payments_app.command("refund")
def payments_refund(
    payment_id: Annotated[int, IdArgument("The payment's id.")],
    as_user: AsUser,
    amount: Annotated[str | None, typer.Option(
        help="Refund only this much (two decimals at most); all that is left by default.")
    ] = None,
    reason: Reason = "", as_json: AsJson = False,
) -> None:
    """Refund a paid payment in full or in part (through Stripe for card payments)."""
    refund_amount = None
    if amount is not None:
        try:
            refund_amount = Money.parse(amount)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--amount") from exc
    result = run(lambda s: s.payments.refund(s.accounts.staff_actor(as_user), payment_id,
                                              amount=refund_amount, reason=reason))
    if as_json:
        typer.echo(json.dumps({**payment_json(result.payment),
                               "refund_amount": str(result.refund_amount)}))
    else:
        typer.echo(f"Payment {result.payment.transaction_id} refunded "
                   f"{result.refund_amount} ({result.payment.status}).")


@payments_app.command("purge-keys")
def payments_purge_keys(as_json: AsJson = False) -> None:
    """Delete the expired Idempotency-Keys (they are replaced on use anyway)."""
    count = run(lambda s: s.idempotency.purge_expired())
    typer.echo(json.dumps({"purged": count}) if as_json
               else f"Purged {count} expired idempotency keys.")


def _show_order(order: OrderView, as_json: bool, message: str) -> None:
    if as_json:
        typer.echo(json.dumps(order_json(order)))
    else:
        typer.echo(message)


@orders_app.command("cancel")
def orders_cancel(
    order_id: Annotated[int, IdArgument("The order's id.")],
    as_user: AsUser, reason: Reason = "", as_json: AsJson = False,
) -> None:
    """Cancel an order: items back in stock, a payment refunded or called off."""
    order = run(lambda s: s.orders.staff_cancel(s.accounts.staff_actor(as_user), order_id,
                                                 reason=reason))
    _show_order(order, as_json, f"Order #{order.id} cancelled by admin.")


@orders_app.command("force-complete")
def orders_force_complete(
    order_id: Annotated[int, IdArgument("The order's id.")],
    as_user: AsUser, reason: Reason = "", as_json: AsJson = False,
) -> None:
    """Mark a paid (or cash on delivery) order delivered."""
    order = run(lambda s: s.orders.force_complete(s.accounts.staff_actor(as_user), order_id,
                                                   reason=reason))
    _show_order(order, as_json, f"Order #{order.id} marked as delivered by admin.")


@orders_app.command("expire")
def orders_expire(as_json: AsJson = False) -> None:
    """Cancel unpaid orders whose reservation ran out, freeing their items."""
    count = run(lambda s: s.orders.expire_reservations())
    typer.echo(json.dumps({"expired": count}) if as_json else f"Expired {count} orders.")
