"""A sample marketplace written in bulk: users, artist profiles, artworks, jobs, bids, orders,
payments with their shares and ledger entries, reviews and messages, spread over the shape's
days. Ids are taken after the current largest of each table and the PostgreSQL sequences moved
past them at the end, so a load goes beside existing data."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.tables import artist_profiles
from cultureup.adapters.sqlalchemy.collaboration.tables import messages, reviews
from cultureup.adapters.sqlalchemy.commerce.tables import (
    artwork_holds,
    ledger_entries,
    ledger_transactions,
    order_lines,
    orders,
    payment_shares,
    payments,
)
from cultureup.adapters.sqlalchemy.counts import COUNTED, recount
from cultureup.adapters.sqlalchemy.tables import bids, jobs, users
from cultureup.application.admin.sample_market import MarketCounts, MarketShape, Progress
from cultureup.domain.commerce.fees import FeeRate
from cultureup.domain.money import Money
from cultureup.domain.text import identity_key, search_text

FIRST = ("ayesha", "bilal", "zara", "omar", "sara", "hamza", "fatima", "ali", "hira", "usman",
         "maryam", "saad", "noor", "imran", "sana", "danish", "amna", "faisal", "iqra", "junaid")
LAST = ("khan", "ahmed", "malik", "farooq", "sheikh", "qureshi", "butt", "chaudhry", "raza",
        "hussain", "siddiqui", "mirza", "baig", "javed", "abbasi")
ART_WORDS = ("Dawn", "Indus", "Monsoon", "Bazaar", "Minaret", "Lotus", "Caravan", "Saffron",
             "Kite", "Harbour", "Orchard", "Lantern", "Desert", "Garden", "River")
ART_KINDS = ("Study", "Portrait", "Landscape", "Abstract", "Miniature", "Calligraphy")
JOB_KINDS = ("Logo design", "Book illustrations", "Portrait commission", "Mural for a cafe",
             "Wedding calligraphy", "Product photography", "3D mascot", "Poster series")
JOB_METHODS = (("stripe", 50), ("jazzcash", 28), ("bank_transfer", 22))
ORDER_METHODS = (("stripe", 45), ("jazzcash", 25), ("bank_transfer", 20),
                 ("cash_on_delivery", 10))
BATCH = 5000


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _amount(rng: random.Random, low: int, high: int) -> Money:
    return Money.from_cents(rng.randrange(low, high) * 100)


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY the rows into `table` on PostgreSQL, in the connection's transaction, each value
    through its column type's bind processing (money in paisa, naive UTC timestamps) as an
    INSERT's would; every row has the keys of the first. The row triggers still run."""
    names = list(rows[0])
    processors = [(name, table.c[name].type.bind_processor(connection.dialect))
                  for name in names]
    raw = connection.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([process(row[name]) if process else row[name]
                            for name, process in processors])


class SqlAlchemyMarketLoader:
    def __init__(self, engine: Engine, fee_rate: FeeRate) -> None:
        self._engine, self._rate = engine, fee_rate

    def load(self, shape: MarketShape, *, now: datetime, password_hash: str,
             category_ids: list[int], progress: Progress | None = None) -> MarketCounts:
        return _Load(self._engine, self._rate, shape, now, password_hash, category_ids,
                     progress).run()

    def loaded(self, shape: MarketShape) -> bool:
        """Looks up the shape's first account by its unique username key (one index read)."""
        with self._engine.connect() as connection:
            return connection.execute(select(users.c.id).where(
                users.c.username_key == identity_key(_Load.first_username(shape)))
            ).first() is not None


class _Load:
    def __init__(self, engine: Engine, rate: FeeRate, shape: MarketShape, now: datetime,
                 password_hash: str, category_ids: list[int], progress: Progress | None
                 ) -> None:
        self.engine, self.rate, self.shape, self.now = engine, rate, shape, now
        self.password_hash, self.categories = password_hash, category_ids
        self.progress = progress
        self.rng = random.Random(shape.seed)  # noqa: S311 - reproducible sample data
        self.start = now - timedelta(days=shape.days)
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.next_id: dict[str, int] = {}
        self.tag = f"s{shape.seed}x{shape.users}"
        self.artwork_index: dict[int, int] = {}

    # -- helpers ---------------------------------------------------------------------------

    def _id(self, table: Table) -> int:
        value = self.next_id[table.name]
        self.next_id[table.name] = value + 1
        return value

    def _add(self, table: Table, **row: Any) -> int:
        if "id" in table.c and "id" not in row:
            row["id"] = self._id(table)
        self.rows.setdefault(table.name, []).append(row)
        return int(row.get("id", 0))

    def _between(self, low: datetime, high: datetime) -> datetime:
        high = min(high, self.now - timedelta(seconds=1))
        if high <= low:
            return low
        return low + timedelta(seconds=self.rng.uniform(0, (high - low).total_seconds()))

    def _after(self, moment: datetime, max_days: float) -> datetime:
        return self._between(moment, moment + timedelta(days=max_days))

    def _about(self, mean: float) -> int:
        """A whole number drawn around `mean` (exponential, rounded)."""
        return int(self.rng.expovariate(1 / mean) + 0.5)

    def _joined(self) -> datetime:
        """More people joined recently: the square root of a uniform draw leans old."""
        back = self.shape.days * (1 - self.rng.random() ** 0.5)
        return self.now - timedelta(days=back, seconds=self.rng.uniform(1, 3600))

    # -- the marketplace -------------------------------------------------------------------

    def run(self) -> MarketCounts:
        tables = (users, artist_profiles, artworks, jobs, bids, orders, order_lines,
                  artwork_holds, payments, payment_shares, ledger_transactions, ledger_entries,
                  reviews, messages)
        with self.engine.connect() as connection:
            for table in tables:
                if "id" in table.c:
                    self.next_id[table.name] = int(connection.execute(
                        select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
        artists, buyers = self._users()
        artworks_made = self._artworks(artists)
        self._jobs(artists, buyers)
        self._artwork_sales(artworks_made, buyers)
        self._write(tables)
        count = {name: len(rows) for name, rows in self.rows.items()}
        return MarketCounts(
            users=count.get("users", 0), artworks=count.get("artworks", 0),
            jobs=count.get("jobs", 0), bids=count.get("bids", 0),
            orders=count.get("orders", 0), payments=count.get("payments", 0),
            ledger_entries=count.get("ledger_entries", 0), reviews=count.get("reviews", 0),
            messages=count.get("messages", 0))

    @staticmethod
    def first_username(shape: MarketShape) -> str:
        """The first sample account's username, as `_users` draws it from the seed's first
        draws (the marker `SqlAlchemyMarketLoader.loaded` looks for)."""
        rng = random.Random(shape.seed)  # noqa: S311 - reproducible sample data
        rng.random()
        return f"{rng.choice(FIRST)}_{rng.choice(LAST)}_s{shape.seed}x{shape.users}_0"

    def _users(self) -> tuple[list[tuple[int, datetime]], list[tuple[int, datetime]]]:
        artists: list[tuple[int, datetime]] = []
        buyers: list[tuple[int, datetime]] = []
        for number in range(self.shape.users):
            is_artist = self.rng.random() < self.shape.artist_share
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            username = f"{first}_{last}_{self.tag}_{number}"
            email = f"{username}@example.com"
            joined = self._joined()
            kind = "artist" if is_artist else "buyer"
            user_id = self._add(
                users, username=username, email=email, password_hash=self.password_hash,
                first_name=first.title(), last_name=last.title(), user_type=kind,
                phone_number="", is_verified=self.rng.random() < (0.6 if is_artist else 0.3),
                is_active=self.rng.random() < 0.97, is_staff=False, is_superuser=False,
                created_at=joined, updated_at=joined, username_key=identity_key(username),
                email_key=identity_key(email), username_skeleton=identity_key(username),
                search_text=search_text(username, first, last))
            (artists if is_artist else buyers).append((user_id, joined))
            if is_artist:
                self._add(artist_profiles, user_id=user_id,
                          bio=f"{first.title()} paints and draws in Lahore.",
                          skills="Painting, Illustration", experience_level=self.rng.choice(
                              ("beginner", "intermediate", "expert")),
                          hourly_rate=_amount(self.rng, 500, 8000),
                          portfolio_description="", is_available=True, created_at=joined,
                          updated_at=joined, search_text=search_text("Painting Illustration"))
        return artists, buyers

    def _artworks(self, artists: list[tuple[int, datetime]]
                  ) -> list[tuple[int, int, datetime, Money]]:
        made = []
        for artist_id, joined in artists:
            for _ in range(self._about(self.shape.artworks_per_artist)):
                created = self._between(joined, self.now)
                title = f"{self.rng.choice(ART_WORDS)} {self.rng.choice(ART_KINDS)}"
                price = _amount(self.rng, 2000, 150000)
                roll = self.rng.random()
                status = "APPROVED" if roll < 0.9 else "PENDING" if roll < 0.97 else "REJECTED"
                artwork_id = self._id(artworks)
                self._add(artworks, id=artwork_id, artist_id=artist_id, title=title,
                          description=f"{title}, sample artwork.",
                          category_id=self.rng.choice(self.categories),
                          artwork_type=self.rng.choice(("digital", "physical", "mixed")),
                          price=price, is_available=True,
                          is_featured=status == "APPROVED" and self.rng.random() < 0.04,
                          moderation_status=status,
                          image_key=f"sample/artwork-{artwork_id}.jpg",
                          watermarked_key=f"sample/artwork-{artwork_id}-wm.jpg",
                          views_count=int(self.rng.expovariate(1 / 120)),
                          likes_count=int(self.rng.expovariate(1 / 8)), created_at=created,
                          updated_at=created, search_text=search_text(title),
                          image_uploaded_at=created)
                self.artwork_index[artwork_id] = len(self.rows["artworks"]) - 1
                made.append((artwork_id, artist_id, created, price))
        return made

    def _jobs(self, artists: list[tuple[int, datetime]],
              buyers: list[tuple[int, datetime]]) -> None:
        if not artists:
            return
        joined_sorted = sorted(artists, key=lambda a: a[1])
        for number, (buyer_id, joined) in enumerate(buyers):
            for _ in range(self._about(self.shape.jobs_per_buyer)):
                self._job(buyer_id, joined, joined_sorted)
            if self.progress and number % 1000 == 0:
                self.progress("planning", number, len(buyers))

    def _job(self, buyer_id: int, joined: datetime,
             artists: list[tuple[int, datetime]]) -> None:
        created = self._between(joined, self.now)
        eligible = artists[: self._count_before(artists, created)]
        if not eligible:
            return
        low = self.rng.randrange(5, 300) * 100
        high = low * self.rng.choice((2, 3))
        title = self.rng.choice(JOB_KINDS)
        age = (self.now - created).days
        roll = self.rng.random()
        if age > 30:
            status = "completed" if roll < 0.8 else "cancelled" if roll < 0.9 else "in_progress"
        else:
            status = "open" if roll < 0.5 else "in_progress" if roll < 0.8 else "completed"
        job_id = self._id(jobs)
        chosen = self.rng.sample(eligible, min(len(eligible), 1 + self._about(
            self.shape.bids_per_job - 1)))
        bid_rows = []
        for artist_id, _ in chosen:
            amount = Money.from_cents(self.rng.randrange(low, high + 1) * 100)
            bid_rows.append((artist_id, amount, self._after(created, 3)))
        hired = status != "open"
        winner = bid_rows[0] if hired else None
        hired_at = self._after(max(b[2] for b in bid_rows), 2) if hired else None
        done_at = self._after(hired_at, 20) if hired and status == "completed" else None
        updated = done_at or hired_at or created
        self._add(jobs, id=job_id, buyer_id=buyer_id, title=title,
                  description=f"{title}, posted as sample data.",
                  category_id=self.rng.choice(self.categories),
                  budget_min=Money.from_cents(low * 100),
                  budget_max=Money.from_cents(high * 100), duration_days=14,
                  required_skills="Illustration", experience_level=self.rng.choice(
                      ("entry", "intermediate", "expert")),
                  deadline=created + timedelta(days=30), status=status,
                  hired_artist_id=winner[0] if winner else None,
                  final_amount=winner[1] if winner else None, created_at=created,
                  updated_at=updated, search_text=search_text(title))
        for index, (artist_id, amount, placed) in enumerate(bid_rows):
            bid_status = ("pending" if not hired else "accepted" if index == 0 else "rejected")
            self._add(bids, job_id=job_id, artist_id=artist_id, bid_amount=amount,
                      delivery_time=7, cover_letter="Sample bid: portfolio on request.",
                      status=bid_status, created_at=placed, updated_at=placed)
        if winner is None or hired_at is None:
            return
        artist_id, amount = winner[0], winner[1]
        refunded = status == "cancelled"
        payment_at = self._after(hired_at, 1)
        self._payment(payer=buyer_id, payee=artist_id, amount=amount, seller=artist_id,
                      method=_pick(self.rng, JOB_METHODS), at=payment_at, job_id=job_id,
                      released_at=done_at, refunded_at=self._after(payment_at, 10)
                      if refunded else None)
        self._add(messages, sender_id=buyer_id, receiver_id=artist_id, job_id=job_id,
                  content="Hello, looking forward to working with you.",
                  is_read=self.rng.random() < 0.8, created_at=hired_at, updated_at=hired_at)
        if done_at is not None and self.rng.random() < 0.6:
            at = self._after(done_at, 3)
            self._add(reviews, job_id=job_id, reviewer_id=buyer_id, artist_id=artist_id,
                      rating=self.rng.choices((5, 4, 3, 2, 1), (55, 28, 10, 4, 3))[0],
                      comment="Sample review.", created_at=at, updated_at=at)

    @staticmethod
    def _count_before(artists: list[tuple[int, datetime]], moment: datetime) -> int:
        lo, hi = 0, len(artists)
        while lo < hi:
            mid = (lo + hi) // 2
            if artists[mid][1] < moment:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _artwork_sales(self, made: list[tuple[int, int, datetime, Money]],
                       buyers: list[tuple[int, datetime]]) -> None:
        if not buyers:
            return
        for artwork_id, artist_id, created, price in made:
            if self.rng.random() >= self.shape.artworks_sold:
                continue
            buyer_id, joined = self.rng.choice(buyers)
            at = self._between(max(created, joined), self.now)
            if at >= self.now - timedelta(seconds=2):
                continue
            completed = (self.now - at).days > 14
            order_id = self._add(orders, buyer_id=buyer_id, order_type="artwork",
                                 status="completed" if completed else "confirmed",
                                 shipping_address="Gulberg III, Lahore", paid_at=at,
                                 created_at=at, updated_at=at)
            self._add(order_lines, order_id=order_id, position=0, kind="artwork",
                      item_id=artwork_id, seller_id=artist_id, title="Sample artwork",
                      quantity=1, price=price)
            self._add(artwork_holds, artwork_id=artwork_id, order_id=order_id, sold=True)
            self.rows["artworks"][self.artwork_index[artwork_id]]["is_available"] = False
            self._payment(payer=buyer_id, payee=artist_id, amount=price, seller=artist_id,
                          method=_pick(self.rng, ORDER_METHODS), at=at, order_id=order_id,
                          released_at=self._after(at, 14) if completed else None,
                          refunded_at=None)

    def _payment(self, *, payer: int, payee: int, amount: Money, seller: int, method: str,
                 at: datetime, released_at: datetime | None, refunded_at: datetime | None,
                 job_id: int | None = None, order_id: int | None = None) -> None:
        fee = self.rate.fee_on(amount)
        earning = amount - fee
        status = "refunded" if refunded_at else "completed"
        hire = "cancelled" if refunded_at else "released" if released_at else "pending"
        payment_id = self._id(payments)
        self._add(payments, id=payment_id, transaction_id=f"SMP{self.tag}{payment_id}"[:32],
                  payer_id=payer, payee_id=payee, order_id=order_id, job_id=job_id,
                  amount=amount, method=method, status=status, hire_status=hire,
                  refunded_amount=amount if refunded_at else Money(0), failure_reason="",
                  created_at=at, updated_at=refunded_at or released_at or at,
                  completed_at=at, released_at=released_at)
        self._add(payment_shares, payment_id=payment_id, seller_id=seller, amount=amount,
                  platform_fee=fee, artist_earning=earning)
        self._ledger(payment_id, "capture", at, [
            ("buyer", payer, "captured", Money(0) - amount),
            ("platform_fees", None, "fee", fee),
            ("artist_held", seller, "earning_held", earning)])
        if refunded_at is not None:
            self._ledger(payment_id, "refund", refunded_at, [
                ("buyer", payer, "refunded", amount),
                ("platform_fees", None, "refunded", Money(0) - fee),
                ("artist_held", seller, "refunded", Money(0) - earning)])
        elif released_at is not None:
            self._ledger(payment_id, "release", released_at, [
                ("artist_held", seller, "released", Money(0) - earning),
                ("artist_available", seller, "released", earning)])

    def _ledger(self, payment_id: int, kind: str, at: datetime,
                entries: list[tuple[str, int | None, str, Money]]) -> None:
        transaction = self._add(ledger_transactions, kind=kind, payment_id=payment_id,
                                created_at=at)
        for account, user_id, entry_kind, amount in entries:
            self._add(ledger_entries, transaction_id=transaction, payment_id=payment_id,
                      account=account, user_id=user_id, kind=entry_kind, amount=amount,
                      created_at=at)

    # -- writing ---------------------------------------------------------------------------

    def _batches(self, rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for offset in range(0, len(rows), BATCH):
            yield rows[offset:offset + BATCH]

    def _write(self, tables: tuple[Table, ...]) -> None:
        total = sum(len(self.rows.get(t.name, [])) for t in tables)
        done = 0
        with self.engine.begin() as connection:
            # On PostgreSQL the rows go in by COPY, and the list counters' row triggers are off
            # while they do (one counter updated once per row is quadratic inside one
            # transaction; the ALTER also keeps other writers of those tables out until the
            # commit); the counters are recounted from the rows after. SQLite inserts with
            # executemany and keeps its triggers on.
            counted = [t.name for t in tables if t.name in COUNTED]
            postgresql = connection.dialect.name == "postgresql"
            if postgresql:
                for name in counted:
                    connection.exec_driver_sql(f"ALTER TABLE {name} DISABLE TRIGGER count_{name}")
            for table in tables:
                for batch in self._batches(self.rows.get(table.name, [])):
                    if postgresql:
                        _copy(connection, table, batch)
                    else:
                        connection.execute(insert(table), batch)
                    done += len(batch)
                    if self.progress:
                        self.progress("writing", done, total)
            if postgresql:
                for name in counted:
                    connection.exec_driver_sql(f"ALTER TABLE {name} ENABLE TRIGGER count_{name}")
                    recount(connection, name)
                for table in tables:
                    if "id" in table.c:
                        connection.execute(select(func.setval(
                            func.pg_get_serial_sequence(table.name, "id"),
                            select(func.coalesce(func.max(table.c.id), 1)).scalar_subquery())))
