"""One table from database constraints to the domain errors they stand for."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from cultureup.domain.errors import (
    ConcurrentUpdate,
    DomainError,
    InvalidState,
    ValidationFailed,
)

# Each constraint is recognised by its name (PostgreSQL, SQLite expression indexes) or by the
# column list SQLite prints for a plain unique index.
CONSTRAINT_ERRORS: list[tuple[tuple[str, ...], Callable[[], DomainError]]] = [
    (("uq_users_username_key", "users.username_key"),
     lambda: ValidationFailed({"username": ["A user with that username already exists."]})),
    (("uq_users_email_key", "users.email_key"),
     lambda: ValidationFailed({"email": ["A user with that email already exists."]})),
    (("uq_categories_name_lower",),
     lambda: ValidationFailed({"name": ["A category with this name already exists."]})),
    (("uq_bids_one_accepted_per_job", "bids.job_id\n"),
     lambda: InvalidState("An artist has already been hired for this job.")),
    (("uq_bids_job_artist", "bids.job_id, bids.artist_id"),
     lambda: ValidationFailed({"job_id": ["You have already placed a bid on this job."]})),
    (("uq_payments_open_order", "payments.order_id\n", "uq_payments_open_job",
      "payments.job_id\n"),
     lambda: InvalidState("There is already an open payment for this; use it.")),
    (("uq_contracts_one_live_per_job", "contracts.job_id\n"),
     lambda: ValidationFailed({"job": ["This job already has a pending or active contract."]})),
    (("uq_reviews_job_id", "reviews.job_id"),
     lambda: ValidationFailed({"job": ["You have already reviewed this job."]})),
    (("uq_reports_open_per_reporter", "reports.reporter_id, reports.content_type"),
     lambda: ValidationFailed({"object_id": [
         "You already have an open report on this; it is being looked at."]})),
    (("uq_verification_applications_one_pending", "verification_applications.user_id"),
     lambda: InvalidState("You already have a pending verification application; wait for "
                          "its decision.")),
    (("uq_daily_analytics_date", "daily_analytics.date"),
     lambda: ConcurrentUpdate("This day's analytics were being calculated at the same time; "
                              "try again.")),
]


def domain_error_for(exc: IntegrityError) -> DomainError:
    message = str(exc.orig) + "\n"
    for markers, error in CONSTRAINT_ERRORS:
        if any(marker in message for marker in markers):
            return error()
    return InvalidState("The change conflicts with existing data.")
