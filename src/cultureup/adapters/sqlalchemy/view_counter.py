"""Artwork detail views, counted in memory and written in batches.

A detail GET is a read: it adds one to a counter in this process's memory. A background
thread adds the counters to `artworks.views_count` every `flush_seconds` in one short
transaction (one UPDATE per artwork viewed since the last flush), and at once when `max_pending`
views are waiting; the process writes what it holds when it exits normally. A crash (or
SIGKILL) loses the views of the last `flush_seconds` of that process, never more. Until its
views are written, the process shows them on top of the stored figure, so a viewer sees their
own view at once; another process shows it after the next flush.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import Counter

from sqlalchemy import Engine, bindparam, update

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks

log = logging.getLogger(__name__)


class BufferedViewCounter:
    def __init__(self, engine: Engine, *, flush_seconds: float = 5.0,
                 max_pending: int = 10_000) -> None:
        self._engine = engine
        self._flush_seconds, self._max_pending = flush_seconds, max_pending
        self._lock = threading.Lock()
        self._pending: Counter[int] = Counter()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._exit_hook = False

    def record(self, artwork_id: int) -> None:
        with self._lock:
            self._own_process()
            self._pending[artwork_id] += 1
            waiting = self._pending.total()
            if self._thread is None:
                self._start()
        if waiting >= self._max_pending:
            self._wake.set()

    def pending(self, artwork_ids: list[int]) -> dict[int, int]:
        with self._lock:
            self._own_process()
            return {i: self._pending[i] for i in artwork_ids if self._pending.get(i)}

    def flush(self) -> int:
        """Write the waiting views; returns how many were written. On a database error they
        are kept for the next attempt."""
        with self._lock:
            self._own_process()
            batch, self._pending = self._pending, Counter()
        if not batch:
            return 0
        statement = (update(artworks).where(artworks.c.id == bindparam("artwork_id"))
                     .values(views_count=artworks.c.views_count + bindparam("views")))
        try:
            writer = self._engine.execution_options(sqlite_begin="IMMEDIATE")
            with writer.begin() as connection:
                connection.execute(statement, [{"artwork_id": i, "views": n}
                                               for i, n in sorted(batch.items())])
        except Exception:
            log.exception("writing %d artwork views failed; kept for the next flush",
                          batch.total())
            with self._lock:
                self._pending.update(batch)
            return 0
        return batch.total()

    def close(self) -> None:
        """Stop the background thread and write what is waiting."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self.flush()

    def _own_process(self) -> None:
        # After a fork (gunicorn workers) the parent's views and thread are not ours.
        if self._pid != os.getpid():
            self._pid, self._pending, self._thread = os.getpid(), Counter(), None
            self._stop, self._wake = threading.Event(), threading.Event()

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="artwork-view-flush",
                                        daemon=True)
        self._thread.start()
        if not self._exit_hook:
            atexit.register(self.close)
            self._exit_hook = True

    def _run(self) -> None:
        stop, wake = self._stop, self._wake
        while not stop.is_set():
            wake.wait(self._flush_seconds)
            wake.clear()
            self.flush()
