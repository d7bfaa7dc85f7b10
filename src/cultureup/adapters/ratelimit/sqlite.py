"""A moving-window storage for the `limits` library in a SQLite file.

`limits` ships storages in process memory (each process counts alone) and in network services
(Redis, Memcached, MongoDB). This one fills the gap between them: every process on one machine
that opens the same file shares one exact count, which is what the workers of one server need
without running another service. SQLite's own file locking orders the writers; each decision
is one short `BEGIN IMMEDIATE` transaction.

It is a complete `limits` storage (the counters of the fixed-window strategy as well as the
timestamps of the moving window, which CultureUp uses), and takes its time from a clock
function so that tests (and simulations) move time explicitly.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from limits.storage import MovingWindowSupport, Storage

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL, "
    "expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS hits_by_key ON hits (key, at)",
    "CREATE INDEX IF NOT EXISTS hits_by_expiry ON hits (expires)",
    "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, "
    "expires REAL NOT NULL)",
)
BUSY_TIMEOUT_MS = 10_000


class SqliteMovingWindowStorage(Storage, MovingWindowSupport):
    """Moving-window hits kept as rows (key, time, expiry time): an event counts for `expiry`
    seconds. Fixed-window counters are rows (key, value, expiry time)."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(None)
        self._path = str(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def path(self) -> str:
        return self._path

    def now(self) -> float:
        return self._clock()

    # -- limits.storage.MovingWindowSupport -------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record `amount` events for `key` if they fit within `limit` in the last `expiry`
        seconds; a refused attempt records nothing."""
        if amount > limit:
            return False
        now = self._clock()
        with self._transaction() as db:
            db.execute("DELETE FROM hits WHERE expires <= ?", (now,))
            (count,) = db.execute("SELECT COUNT(*) FROM hits WHERE key = ? AND at > ?",
                                  (key, now - expiry)).fetchone()
            if count + amount > limit:
                return False
            db.executemany("INSERT INTO hits (key, at, expires) VALUES (?, ?, ?)",
                           [(key, now, now + expiry)] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(time of the oldest event still in the window, number of events in it); (now, 0)
        when there are none."""
        now = self._clock()
        with self._transaction(write=False) as db:
            count, oldest = db.execute(
                "SELECT COUNT(*), MIN(at) FROM hits WHERE key = ? AND at > ?",
                (key, now - expiry)).fetchone()
        return (float(oldest), int(count)) if count else (now, 0)

    # -- limits.storage.Storage ------------------------------------------------------------

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add `amount` to the key's counter, which starts afresh (for `expiry` seconds) when
        it is missing or expired."""
        now = self._clock()
        with self._transaction() as db:
            db.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            db.execute("INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                       (key, amount, now + expiry))
            (value,) = db.execute("SELECT value FROM counters WHERE key = ?",
                                  (key,)).fetchone()
        return int(value)

    def get(self, key: str) -> int:
        row = self._counter(key)
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._counter(key)
        return float(row[1]) if row else self._clock()

    def check(self) -> bool:
        try:
            with self._transaction(write=False) as db:
                db.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def clear(self, key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM hits WHERE key = ?", (key,))
            db.execute("DELETE FROM counters WHERE key = ?", (key,))

    def reset(self) -> int:
        """Forget everything; returns how many hits and counters there were."""
        with self._transaction() as db:
            return int(db.execute("DELETE FROM hits").rowcount) + int(
                db.execute("DELETE FROM counters").rowcount)

    def _counter(self, key: str) -> tuple[int, float] | None:
        with self._transaction(write=False) as db:
            row = db.execute("SELECT value, expires FROM counters WHERE key = ? AND expires > ?",
                             (key, self._clock())).fetchone()
        return (int(row[0]), float(row[1])) if row else None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- connection ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        # One connection per process, used by one thread at a time; other processes are
        # ordered by SQLite's file lock (the busy timeout waits for it).
        with self._lock:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        # A connection must not cross a fork: a worker opens its own.
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_MS / 1000,
                             isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self._path != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
        # Counters need no durability across a power cut; they must only be shared.
        db.execute("PRAGMA synchronous = OFF")
        for statement in SCHEMA:
            db.execute(statement)
        self._connection, self._pid = db, os.getpid()
        return db
