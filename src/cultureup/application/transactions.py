"""A unit of work tried again when the database gave it up for a concurrent one.

PostgreSQL ends one of two transactions that wait for each other (a deadlock, SQLSTATE
40P01) or that cannot both be serialized (40001); the unit of work turns either into
`ConcurrentUpdate` (adapters/sqlalchemy/uow.py), after rolling it back whole. A use case whose
transaction only writes to the database until its commit can simply run again on fresh state:
`retried` does that. Multi-row writes hit it most: the list counters' triggers
(migration 0024) update counter rows row by row, so two transactions that change several
artworks each can lock the same counters in opposite orders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cultureup.domain.errors import ConcurrentUpdate

T = TypeVar("T")

# How many times a transaction is run before its ConcurrentUpdate is the answer (a 409).
TRANSACTION_ATTEMPTS = 3


def retried(transaction: Callable[[], T], attempts: int = TRANSACTION_ATTEMPTS) -> T:
    """`transaction()`'s result; run again, at most `attempts` times in all, while it raises
    ConcurrentUpdate, which the last attempt lets through. `transaction` opens, fills and
    commits one unit of work and has no effect outside it before its commit."""
    for attempt in range(1, attempts + 1):
        try:
            return transaction()
        except ConcurrentUpdate:
            if attempt == attempts:
                raise
    raise AssertionError("attempts must be at least 1")
