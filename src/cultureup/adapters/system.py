"""The system clock and the in-process event publisher."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from cultureup.domain.events import DomainEvent

log = logging.getLogger("cultureup.events")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


EventHandler = Callable[[DomainEvent], None]


class InProcessEventPublisher:
    """Calls each handler registered for an event's class; a failing handler is logged, the
    caller's committed change stands."""

    def __init__(self) -> None:
        self._handlers: dict[type[DomainEvent], list[EventHandler]] = {}

    def subscribe(self, event_type: type[DomainEvent], handler: EventHandler) -> None:
        self._handlers.setdefault(event_type, []).append(handler)

    def publish(self, events: Iterable[DomainEvent]) -> None:
        for event in list(events):
            log.info("event %s", type(event).__name__, extra={"event": repr(event)})
            for event_type, handlers in self._handlers.items():
                if isinstance(event, event_type):
                    for handler in handlers:
                        try:
                            handler(event)
                        except Exception:
                            log.exception("handler %r failed for %r", handler, event)
