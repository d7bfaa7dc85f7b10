"""`cultureup payments ...` and `cultureup orders ...` against the real database."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services
from cultureup.entrypoints.cli.app import app
from tests.integration.commerce_support import Commerce, artwork_order, equipment_order

runner = CliRunner()


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_verify_refund_and_release_from_the_command_line(services: Services,
                                                         env: dict[str, str]) -> None:
    shop = Commerce(services)
    artist, buyer = shop.user("artist"), shop.user("buyer")
    order = services.orders.place_order(buyer, artwork_order(shop.artwork(artist, "1000.00")))
    payment = services.payments.create_payment(buyer, method="bank_transfer",
                                               order_id=order.id)
    services.payments.confirm(buyer, payment.id, payer_reference="MEEZAN-9")
    staff = shop.admin.username

    code, out = cli(env, "payments", "verify", str(payment.id), "--as", staff,
                    "--reference", "WRONG")
    assert code == 1 and "does not match" in out
    code, out = cli(env, "payments", "verify", str(payment.id), "--as", staff,
                    "--reference", "MEEZAN-9", "--reason", "statement 12 May", "--json")
    assert code == 0 and json.loads(out)["status"] == "completed"
    code, out = cli(env, "payments", "refund", str(payment.id), "--as", staff,
                    "--amount", "250.00", "--reason", "chipped frame", "--json")
    assert code == 0
    assert (json.loads(out)["refund_amount"], json.loads(out)["status"]) == (
        "250.00", "partially_refunded")
    code, out = cli(env, "payments", "refund", str(payment.id), "--as", staff,
                    "--amount", "1.001")
    assert code != 0 and "decimal places" in out
    code, out = cli(env, "payments", "release", str(payment.id), "--as", staff,
                    "--reason", "delivered")
    assert code == 0 and "released to artist" in out
    # 250.00 of 1000.00 refunded took 25.00 of the fee and 225.00 of the artist's 900.00
    assert str(services.payments.user_money(artist.id).earnings_available) == "675.00"
    code, out = cli(env, "payments", "release", str(payment.id), "--as", staff)
    assert code == 1 and "already released" in out
    code, out = cli(env, "payments", "list", "--as", staff, "--hire-status", "released",
                    "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [payment.id]
    code, out = cli(env, "payments", "list", "--as", buyer.username)
    assert code == 1 and "not a staff account" in out
    entries = services.audit.list_entries(shop.admin, AuditFilters(action="admin."),
                                          PageRequest()).items
    assert {(e.action, e.details.get("reason")) for e in entries} >= {
        ("admin.payment_verified", "statement 12 May"),
        ("admin.payment_refunded", "chipped frame"),
        ("admin.payment_released", "delivered")}


def test_cancel_and_force_complete_orders(services: Services, env: dict[str, str]) -> None:
    shop = Commerce(services)
    buyer = shop.user("buyer")
    item = shop.item("40.00", 4)
    cod = services.orders.place_order(buyer, equipment_order(item, 1))
    services.payments.create_payment(buyer, method="cash_on_delivery", order_id=cod.id)
    unwanted = services.orders.place_order(buyer, equipment_order(item, 2))
    staff = shop.admin.username
    code, out = cli(env, "orders", "force-complete", str(cod.id), "--as", staff, "--json")
    assert code == 0 and json.loads(out)["status"] == "delivered"
    code, out = cli(env, "orders", "cancel", str(unwanted.id), "--as", staff,
                    "--reason", "customer called")
    assert code == 0 and f"Order #{unwanted.id} cancelled by admin." in out
    assert shop.stock(item) == 3
    code, out = cli(env, "orders", "cancel", str(cod.id), "--as", staff)
    assert code == 1 and "cannot be cancelled" in out
    code, out = cli(env, "orders", "expire", "--json")
    assert code == 0 and json.loads(out) == {"expired": 0}


def test_expired_idempotency_keys_are_purged(services: Services, env: dict[str, str]) -> None:
    """Keys claimed on the test clock (March 2026, kept 24 h) are long expired for the
    command, which runs on the system clock."""
    from cultureup.application.commerce.idempotency import StoredAnswer

    buyer = Commerce(services).user("buyer")
    for key in ("a", "b"):
        services.idempotency.run(buyer.id, key, "f", lambda: StoredAnswer(
            status=201, body=b"{}", content_type="application/json"))
    assert json.loads(cli(env, "payments", "purge-keys", "--json")[1]) == {"purged": 2}
    code, output = cli(env, "payments", "purge-keys")
    assert code == 0 and output.strip() == "Purged 0 expired idempotency keys."
