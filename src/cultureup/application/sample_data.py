"""Admin set-up and sample data: the first superuser, staff accounts, and a small marketplace."""

from __future__ import annotations

from datetime import timedelta

import attrs

from cultureup.application.accounts.users import AccountService, Registration
from cultureup.application.admin.sample_market import (
    MarketCounts,
    MarketLoader,
    MarketShape,
    Progress,
)
from cultureup.application.audit import record
from cultureup.application.catalog.categories import CategoryService
from cultureup.application.catalog.equipment import EquipmentService
from cultureup.application.catalog.profiles import ArtistProfileService, BuyerProfileService
from cultureup.application.catalog.views import EquipmentFilters
from cultureup.application.collaboration.contracts import ContractProposal, ContractService
from cultureup.application.collaboration.dashboard import AnalyticsService
from cultureup.application.collaboration.messages import MessageService
from cultureup.application.collaboration.reviews import ReviewService
from cultureup.application.collaboration.views import MessageFilters
from cultureup.application.commerce.orders import OrderService
from cultureup.application.commerce.payments import PaymentService
from cultureup.application.commerce.views import OrderFilters
from cultureup.application.hiring.bids import BidService
from cultureup.application.hiring.jobs import JobService
from cultureup.application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from cultureup.application.views import BidFilters, JobFilters, PageRequest
from cultureup.domain.accounts.users import Actor, StaffRole, User
from cultureup.domain.audit import AuditAction
from cultureup.domain.catalog.equipment import EquipmentTerms
from cultureup.domain.catalog.profiles import ArtistProfileTerms, BuyerProfileTerms
from cultureup.domain.commerce.orders import ItemRequest, OrderRequest
from cultureup.domain.errors import NotFound, PermissionDenied
from cultureup.domain.hiring.jobs import BidTerms, JobTerms
from cultureup.domain.money import Money
from cultureup.domain.text import identity_key

STANDARD_CATEGORIES = (
    ("Digital Art", "Digital painting, concept art and character design"),
    ("Graphic Design", "Logos, branding, posters and layouts"),
    ("Illustration", "Book, editorial and children's illustration"),
    ("Painting", "Oil, acrylic and watercolour on canvas or paper"),
    ("Calligraphy", "Urdu, Arabic and Latin calligraphy and lettering"),
    ("Photography", "Portrait, product and event photography"),
    ("Sculpture", "Clay, stone, metal and mixed-media sculpture"),
    ("3D Modeling", "3D modeling, rendering and printing"),
    ("Animation", "2D and 3D animation and motion graphics"),
    ("Truck Art", "Pakistani truck art and folk decoration"),
)

SAMPLE_PASSWORD = "Sample-Art-2025!"  # noqa: S105 - documented sample accounts

STAFF_ACCOUNTS = (
    ("admin_manager", "manager@cultureup.pk", "manager123", StaffRole.ADMIN, "Admin", "Manager"),
    ("content_moderator", "moderator@cultureup.pk", "moderator123",
     StaffRole.CONTENT_MODERATOR, "Content", "Moderator"),
)

SAMPLE_ARTISTS = (
    ("artist_ayesha", "Ayesha", "Khan"),
    ("artist_bilal", "Bilal", "Ahmed"),
    ("artist_zara", "Zara", "Malik"),
)
SAMPLE_BUYERS = (
    ("buyer_sarah", "Sarah", "Johnson"),
    ("buyer_omar", "Omar", "Farooq"),
)
ARTIST_PROFILES = (
    ("Digital Painting, Character Design, Concept Art", "expert", "5000.00"),
    ("Oil Painting, Portraits", "intermediate", "3000.00"),
    ("Arabic Calligraphy, Illumination", "beginner", "1500.00"),
)
SAMPLE_EQUIPMENT = (
    ("Professional Oil Painting Brush Set", "brush", "4599.00", 50),
    ("Stretched Cotton Canvas 60x90 cm", "canvas", "3200.00", 25),
    ("Acrylic Paint Set, 24 Colours", "paint", "5400.00", 40),
    ("Walnut Frame 40x50 cm", "frame", "2800.00", 0),
    ("Calligraphy Qalam Set", "other", "1200.00", 15),
)
SAMPLE_JOBS = (
    ("buyer_sarah", "Logo Design for Tech Startup", "Graphic Design", "500.00", "1000.00", 7,
     "Logo Design, Branding, Adobe Illustrator", "expert"),
    ("buyer_sarah", "Portrait Commission in Oil", "Painting", "15000.00", "30000.00", 21,
     "Oil Painting, Portraits", "intermediate"),
    ("buyer_omar", "Children's Book Illustrations", "Illustration", "40000.00", "80000.00", 45,
     "Illustration, Watercolour", "intermediate"),
    ("buyer_omar", "Calligraphy Wall Piece", "Calligraphy", "8000.00", "12000.00", 10,
     "Arabic Calligraphy", "entry"),
)


@attrs.frozen(kw_only=True)
class SetupReport:
    created: tuple[str, ...]
    skipped: tuple[str, ...]


class SampleDataService:
    def __init__(self, *, accounts: AccountService, categories: CategoryService,
                 jobs: JobService, bids: BidService, uow: UnitOfWorkFactory, clock: Clock,
                 artist_profiles: ArtistProfileService, buyer_profiles: BuyerProfileService,
                 equipment: EquipmentService, contracts: ContractService,
                 messages: MessageService, reviews: ReviewService,
                 orders: OrderService | None = None,
                 payments: PaymentService | None = None,
                 market: MarketLoader | None = None, hasher: PasswordHasher | None = None,
                 analytics: AnalyticsService | None = None) -> None:
        self._market, self._hasher, self._analytics = market, hasher, analytics
        self._orders, self._payments = orders, payments
        self._accounts, self._categories = accounts, categories
        self._jobs, self._bids, self._uow, self._clock = jobs, bids, uow, clock
        self._artist_profiles, self._buyer_profiles = artist_profiles, buyer_profiles
        self._equipment = equipment
        self._contracts, self._messages, self._reviews = contracts, messages, reviews

    sample_password = SAMPLE_PASSWORD

    def find_superuser(self, username: str) -> User:
        """The superuser with this name; raises NotFound when there is none."""
        user = self._find(username)
        if user is None or not user.is_superuser:
            raise NotFound(f"No superuser named '{username}'. Create it with "
                           "--create-superuser.")
        return user

    def ensure_superuser(self, *, username: str, email: str, password: str) -> tuple[User, bool]:
        """Create the superuser unless a user with that name exists; returns (user, created)."""
        existing = self._find(username)
        if existing is not None:
            return existing, False
        user = self._accounts.create_staff_user(
            Registration(username=username, email=email, password=password,
                         password_confirm=password, user_type="admin", first_name="Platform",
                         last_name="Administrator"),
            superuser=True, staff_role=StaffRole.ADMIN, check_password=False)
        return user, True

    def create_sample_data(self, actor: Actor) -> SetupReport:
        """Add the standard categories, staff accounts, artists, buyers, jobs and bids, a hire
        with an active contract and messages, and a completed job with its review (and the
        notifications all that causes). Running it again adds only what is missing."""
        if not actor.is_superuser:
            raise PermissionDenied("Only a superuser can create sample data.")
        created: list[str] = []
        skipped: list[str] = []
        category_ids = self._ensure_categories(actor, created, skipped)
        for username, email, password, role, first, last in STAFF_ACCOUNTS:
            if self._find(username) is None:
                self._accounts.create_staff_user(
                    Registration(username=username, email=email, password=password,
                                 password_confirm=password, user_type="admin",
                                 first_name=first, last_name=last),
                    superuser=False, staff_role=role, check_password=False, by=actor)
                created.append(f"staff {username}")
            else:
                skipped.append(f"staff {username}")
        people = {}
        for user_type, group in (("artist", SAMPLE_ARTISTS), ("buyer", SAMPLE_BUYERS)):
            for username, first, last in group:
                user = self._find(username)
                if user is None:
                    self._accounts.register(Registration(
                        username=username, email=f"{username}@example.com",
                        password=SAMPLE_PASSWORD, password_confirm=SAMPLE_PASSWORD,
                        user_type=user_type, first_name=first, last_name=last))
                    user = self._find(username)
                    created.append(f"{user_type} {username}")
                else:
                    skipped.append(f"{user_type} {username}")
                assert user is not None
                people[username] = user.as_actor()
        self._ensure_profiles(people, created, skipped)
        self._ensure_equipment(actor, created, skipped)
        self._ensure_jobs(people, category_ids, created, skipped)
        self._ensure_commerce(actor, people, created, skipped)
        self._ensure_collaboration(people, created, skipped)
        with self._uow() as uow:
            record(uow, now=self._clock.now(), action=AuditAction.SAMPLE_DATA_CREATED,
                   actor_id=actor.id, actor_username=actor.username, target_type="platform",
                   created=len(created), skipped=len(skipped))
            uow.commit()
        return SetupReport(created=tuple(created), skipped=tuple(skipped))

    def create_marketplace(self, actor: Actor, shape: MarketShape,
                           progress: Progress | None = None) -> MarketCounts | None:
        """A marketplace of about `shape.users` accounts over `shape.days` days (see
        MarketShape), written in bulk beside whatever exists, then the daily analytics
        snapshot (with its revenue per payment method) of every whole past day it covers, so
        that the dashboard and reports can be tried and measured on real volumes. Every
        sample account's password is SAMPLE_PASSWORD. None, writing nothing, when the
        marketplace of this shape (scale and seed) is already there, so running it again is
        safe; another scale adds another marketplace beside it. Superuser only
        (PermissionDenied); audited as sample data created."""
        if not actor.is_superuser:
            raise PermissionDenied("Only a superuser can create sample data.")
        if self._market is None or self._hasher is None or self._analytics is None:
            raise PermissionDenied("Sample data at scale is not available here.")
        if self._market.loaded(shape):
            return None
        ids = self._ensure_categories(actor, [], [])
        now = self._clock.now()
        counts = self._market.load(shape, now=now, password_hash=self._hasher.hash(
            SAMPLE_PASSWORD), category_ids=sorted(ids.values()), progress=progress)
        first = (now - timedelta(days=shape.days)).date()
        days = self._analytics.days_between(first, now.date() - timedelta(days=1))
        for done, day in enumerate(days, start=1):
            self._analytics.calculate(day)
            if progress is not None:
                progress("snapshots", done, len(days))
        with self._uow() as uow:
            record(uow, now=self._clock.now(), action=AuditAction.SAMPLE_DATA_CREATED,
                   actor_id=actor.id, actor_username=actor.username, target_type="platform",
                   scale=shape.users, users=counts.users, payments=counts.payments)
            uow.commit()
        return counts

    def _ensure_categories(self, actor: Actor, created: list[str],
                           skipped: list[str]) -> dict[str, int]:
        with self._uow() as uow:
            existing = {name: uow.categories.find_by_name(name)
                        for name, _ in STANDARD_CATEGORIES}
        ids: dict[str, int] = {}
        for name, description in STANDARD_CATEGORIES:
            category = existing[name]
            if category is None:
                ids[name] = self._categories.create_category(
                    actor=actor, name=name, description=description).id
                created.append(f"category {name}")
            else:
                assert category.id is not None
                ids[name] = category.id
                skipped.append(f"category {name}")
        return ids

    def _ensure_jobs(self, people: dict[str, Actor], category_ids: dict[str, int],
                     created: list[str], skipped: list[str]) -> None:
        now = self._clock.now()
        artists = [people[name] for name, _, _ in SAMPLE_ARTISTS]
        for index, (buyer, title, category, low, high, days, skills, level) in enumerate(
                SAMPLE_JOBS):
            buyer_actor = people[buyer]
            mine = self._jobs.list_jobs(JobFilters(buyer_id=buyer_actor.id, search=title),
                                        PageRequest.of(1, 1))
            if mine.total:
                skipped.append(f"job {title}")
                continue
            job = self._jobs.post_job(buyer_actor, JobTerms(
                title=title, description=f"{title}. Sample job created by the set-up command.",
                category_id=category_ids[category], budget_min=Money(low),
                budget_max=Money(high), duration_days=days, required_skills=skills,
                experience_level=level, deadline=now + timedelta(days=days + 14)))
            created.append(f"job {title}")
            for offset, artist in enumerate(artists[: 1 + index % len(artists)]):
                step = (Money(high) - Money(low)).amount * (offset + 1) / 4
                self._bids.place_bid(artist, job.id, BidTerms(
                    bid_amount=Money(Money(low).amount + step), delivery_time=days - 1 or 1,
                    cover_letter=f"Hello, I am {artist.username} and would love to work on "
                                 f"'{title}'. Portfolio available on request."))
                created.append(f"bid by {artist.username} on {title}")

    def _ensure_collaboration(self, people: dict[str, Actor], created: list[str],
                              skipped: list[str]) -> None:
        """Conversations on the two hired jobs, a review of the completed logo job and an
        active contract on the book job in progress (the payments step hires and pays them
        when it runs; otherwise they are hired here). Notifications follow from the
        services."""
        for title, completed in (("Logo Design for Tech Startup", True),
                                 ("Children's Book Illustrations", False)):
            found = self._jobs.list_jobs(JobFilters(search=title), PageRequest.of(1, 1)).items
            if not found:
                continue
            job = found[0]
            buyer = next(p for p in people.values() if p.id == job.buyer.id)
            if job.status == "open":
                bids = self._jobs.list_job_bids(buyer, job.id, BidFilters(),
                                                PageRequest.of(1, 1)).items
                if not bids:
                    continue
                self._jobs.hire(buyer, job.id, bid_id=bids[0].id)
                if completed:
                    self._jobs.complete(buyer, job.id)
                job = self._jobs.get_job(job.id)
            hired = job.hired_artist
            if hired is None or self._messages.list_messages(
                    buyer, MessageFilters(job_id=job.id), PageRequest.of(1, 1)).total:
                skipped.append(f"collaboration on {title}")
                continue
            artist = next(p for p in people.values() if p.id == hired.id)
            self._messages.send(buyer, receiver_id=artist.id, job_id=job.id, content=(
                f"Hi {artist.username}, I really liked your bid on '{title}'. Can we discuss "
                "the timeline?"))
            self._messages.send(artist, receiver_id=buyer.id, job_id=job.id, content=(
                "Thank you! I can share a first draft within the week."))
            created.append(f"messages on {title}")
            if job.status == "completed":
                self._reviews.write(buyer, job_id=job.id, rating=5, comment=(
                    "Excellent work, delivered on time and exceeded my expectations."))
                created.append(f"review of {artist.username} on {title}")
            elif job.status == "in_progress":
                contract = self._contracts.propose(buyer, ContractProposal(
                    job_id=job.id, artist_id=artist.id, terms=(
                        "The artist will deliver the work with three revision rounds; final "
                        "files in AI, PNG and SVG. The buyer receives exclusive rights."),
                    rights_type="exclusive", amount=None,
                    deadline=self._clock.now() + timedelta(days=30)))
                self._contracts.sign(artist, contract.id)
                self._contracts.sign(buyer, contract.id)
                created.append(f"contract on {title}")

    def _ensure_profiles(self, people: dict[str, Actor], created: list[str],
                         skipped: list[str]) -> None:
        for index, (username, first, _last) in enumerate(SAMPLE_ARTISTS):
            actor = people[username]
            if self._has_profile(self._artist_profiles, actor.id):
                skipped.append(f"artist profile {username}")
                continue
            skills, level, rate = ARTIST_PROFILES[index % len(ARTIST_PROFILES)]
            self._artist_profiles.create_profile(actor, ArtistProfileTerms(
                bio=f"{first} is a {level} artist from Lahore.", skills=skills,
                experience_level=level, hourly_rate=Money(rate),
                portfolio_description=f"Selected work by {first}."))
            created.append(f"artist profile {username}")
        for username, first, _last in SAMPLE_BUYERS:
            actor = people[username]
            if self._has_profile(self._buyer_profiles, actor.id):
                skipped.append(f"buyer profile {username}")
                continue
            self._buyer_profiles.create_profile(actor, BuyerProfileTerms(
                company_name=f"{first}'s Studio", address="Gulberg III, Lahore, Pakistan"))
            created.append(f"buyer profile {username}")

    def _ensure_equipment(self, actor: Actor, created: list[str], skipped: list[str]) -> None:
        existing = {item.name for item in self._equipment.list_equipment(
            EquipmentFilters(), PageRequest.of(1, 100)).items}
        for name, kind, price, stock in SAMPLE_EQUIPMENT:
            if name in existing:
                skipped.append(f"equipment {name}")
                continue
            self._equipment.add_equipment(actor, EquipmentTerms(
                name=name, description=f"{name}, sample stock.", equipment_type=kind,
                price=Money(price), stock_quantity=stock))
            created.append(f"equipment {name}")

    def _ensure_commerce(self, staff: Actor, people: dict[str, Actor], created: list[str],
                         skipped: list[str]) -> None:
        """Orders and payments in every state, paid offline (no card gateway needed)."""
        orders, payments = self._orders, self._payments
        if orders is None or payments is None:
            return
        sarah, omar = people["buyer_sarah"], people["buyer_omar"]
        if orders.list_orders(sarah, OrderFilters(), PageRequest.of(1, 1)).total:
            skipped.append("sample orders and payments")
            return
        stock = {item.name: item.id for item in self._equipment.list_equipment(
            EquipmentFilters(), PageRequest.of(1, 100)).items}

        def order(buyer: Actor, name: str, quantity: int) -> int:
            return orders.place_order(buyer, OrderRequest(
                order_type="equipment", shipping_address="Gulberg III, Lahore, Pakistan",
                equipment_items=(ItemRequest(item_id=stock[name], quantity=quantity),))).id

        def paid(buyer: Actor, method: str, **target: int) -> int:
            payment = payments.create_payment(buyer, method=method, **target)
            reference = f"SAMPLE-{payment.transaction_id}"
            payments.confirm(buyer, payment.id, payer_reference=reference)
            payments.verify(staff, payment.id, reference=reference, reason="sample data")
            return payment.id

        brushes, canvas, paints, qalam = (name for name, *_ in (
            SAMPLE_EQUIPMENT[0], SAMPLE_EQUIPMENT[1], SAMPLE_EQUIPMENT[2], SAMPLE_EQUIPMENT[4]))
        # pending: a bank transfer on its way
        waiting = order(sarah, brushes, 1)
        payments.create_payment(sarah, method="bank_transfer", order_id=waiting)
        # confirmed and paid by JazzCash
        confirmed = order(sarah, paints, 2)
        paid(sarah, "jazzcash", order_id=confirmed)
        orders.confirm(sarah, confirmed)
        # delivered, cash on delivery
        cash = order(omar, canvas, 1)
        payments.create_payment(omar, method="cash_on_delivery", order_id=cash)
        orders.force_complete(staff, cash, reason="sample data")
        # completed by the buyer
        done = order(omar, qalam, 3)
        paid(omar, "bank_transfer", order_id=done)
        orders.force_complete(staff, done, reason="sample data")
        orders.complete(omar, done)
        # cancelled after payment (refunded), cancelled before payment (failed)
        refunded = order(sarah, brushes, 1)
        paid(sarah, "bank_transfer", order_id=refunded)
        orders.cancel(sarah, refunded, reason="changed my mind")
        dropped = order(omar, paints, 1)
        payments.create_payment(omar, method="jazzcash", order_id=dropped)
        orders.cancel(omar, dropped, reason="sample data")
        # partially refunded
        partial = order(sarah, canvas, 2)
        partly = paid(sarah, "bank_transfer", order_id=partial)
        payments.refund(staff, partly, amount=Money("1000.00"), reason="one canvas torn")
        created.append("sample orders and payments")
        self._ensure_job_payments(staff, people, created)

    def _ensure_job_payments(self, staff: Actor, people: dict[str, Actor],
                             created: list[str]) -> None:
        """The logo job hired, paid and completed (escrow released); the book job hired and
        paid by JazzCash, held until the buyer completes it."""
        assert self._payments is not None
        for title, method in (("Logo Design for Tech Startup", "bank_transfer"),
                              ("Children's Book Illustrations", "jazzcash")):
            jobs = self._jobs.list_jobs(JobFilters(search=title), PageRequest.of(1, 1)).items
            if not jobs or jobs[0].status != "open":
                continue
            job = jobs[0]
            buyer = next(p for p in people.values() if p.id == job.buyer.id)
            bids = self._jobs.list_job_bids(buyer, job.id, BidFilters(), PageRequest.of(1, 1))
            if not bids.items:
                continue
            self._jobs.hire(buyer, job.id, bid_id=bids.items[0].id)
            payment = self._payments.create_payment(buyer, method=method, job_id=job.id)
            reference = f"SAMPLE-{payment.transaction_id}"
            self._payments.confirm(buyer, payment.id, payer_reference=reference)
            self._payments.verify(staff, payment.id, reference=reference, reason="sample data")
            if method == "bank_transfer":
                self._jobs.complete(buyer, job.id)
            created.append(f"payment for {title}")

    @staticmethod
    def _has_profile(service: ArtistProfileService | BuyerProfileService, user_id: int) -> bool:
        try:
            service.get_profile(user_id)
        except NotFound:
            return False
        return True

    def _find(self, username: str) -> User | None:
        with self._uow() as uow:
            return uow.users.find_by_login(identity_key(username))
