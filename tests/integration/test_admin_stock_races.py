"""Staff stock updates racing orders for the same item: the row lock of the update and the
conditional update of an order keep every change; the stock never goes below zero.
Meaningful on PostgreSQL (row locks); on SQLite writers take turns."""

from __future__ import annotations

import json

from sqlalchemy import select

from cultureup.adapters.sqlalchemy.tables import audit_log
from cultureup.bootstrap import Services
from tests.integration.commerce_support import Commerce, equipment_order
from tests.integration.test_commerce_races import race


def test_orders_and_stock_updates_at_once_lose_nothing(services: Services) -> None:
    shop = Commerce(services)
    item = shop.item("25.00", 10)
    buyers = [shop.user("buyer") for _ in range(10)]
    calls = []
    for index in range(60):
        if index % 3 == 0:
            calls.append(lambda: services.equipment.update_stock(shop.admin, item,
                                                                 adjustment=2))
        elif index % 3 == 1:
            calls.append(lambda: services.equipment.update_stock(shop.admin, item,
                                                                 adjustment=-3))
        else:
            calls.append(lambda b=buyers[index % 10]: services.orders.place_order(
                b, equipment_order(item, 1)))
    outcomes = race(calls)
    assert set(outcomes) <= {"ok", "ValidationFailed"}, outcomes

    with services.engine.connect() as connection:
        rows = connection.execute(select(audit_log.c.details).where(
            audit_log.c.action == "admin.equipment_stock_updated")).scalars().all()
    changes = [details if isinstance(details, dict) else json.loads(details)
               for details in rows]
    steps = [json.loads(c["after"])["stock_quantity"] - json.loads(c["before"])["stock_quantity"]
             for c in changes]
    assert set(steps) <= {2, -3}
    added = steps.count(2)
    removed = len(changes) - added
    orders = outcomes["ok"] - len(changes)
    # Every successful change is in the stock: nothing was overwritten by a racing writer.
    assert shop.stock(item) == 10 + 2 * added - 3 * removed - orders >= 0
    assert added == 20  # adding never fails
    assert outcomes["ValidationFailed"] == (20 - removed) + (20 - orders)
