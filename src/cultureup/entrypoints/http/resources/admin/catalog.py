"""/api/admin/artworks/, /api/admin/jobs/, /api/admin/categories/, /api/admin/equipment/ and
/api/admin/bulk/artworks/: moderating artworks, overseeing jobs and keeping the catalogue, for
staff. Permissions are the use cases' (domain/accounts/roles.py)."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import ConfigDict, Field

from cultureup.application.admin.artworks import (
    BULK_ACTIONS,
    ArtworkModerationService,
    bulk_message,
)
from cultureup.application.admin.jobs import JobOversightService
from cultureup.application.catalog.artwork_ports import (
    ADMIN_ARTWORK_ORDERING_FIELDS,
    ArtworkFilters,
    ArtworkView,
)
from cultureup.application.catalog.categories import CategoryService
from cultureup.application.catalog.equipment import EquipmentService
from cultureup.application.views import JOB_ORDERING_FIELDS, JobFilters, JobView
from cultureup.domain.accounts.roles import Permission
from cultureup.domain.admin.bulk import BULK_MAX_IDS
from cultureup.domain.catalog.artworks import REJECTION_REASON_MAX, ArtworkType, ModerationStatus
from cultureup.domain.catalog.duplicates import DUPLICATE_THRESHOLD, REVIEW_THRESHOLD
from cultureup.domain.catalog.equipment import MAX_STOCK
from cultureup.domain.hiring.jobs import CLOSE_REASON_MAX, ExperienceLevel, JobStatus
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    Choice,
    Flag,
    Id,
    Integer,
    MoneyOut,
    Ordering,
    Text,
    Timestamp,
)
from cultureup.entrypoints.http.resources.catalog.artworks import absolute
from cultureup.entrypoints.http.shapes import PageOf, Pagination

TAG = "Admin"
STATUSES = [status.value for status in ModerationStatus]
Reason = Text(REJECTION_REASON_MAX, blank=True, description="Why; told to the artist on a "
              "rejection, kept in the audit log")
Search = Text(200, blank=True, description="Words in the title or description")

# -- artworks --------------------------------------------------------------------------------


class AdminArtworkQuery(Pagination):
    moderation_status: Choice(STATUSES) = None
    artist: Id = None
    category: Id = None
    artwork_type: Choice([kind.value for kind in ArtworkType]) = None
    is_featured: Flag = None
    is_available: Flag = None
    rekognition_checked: Flag = Field(default=None, description="Labels were found (true) "
                                      "or not (false) for the image")
    search: Search = None
    ordering: Ordering(ADMIN_ARTWORK_ORDERING_FIELDS) = None

    def filters(self) -> ArtworkFilters:
        return ArtworkFilters(
            moderation_status=self.moderation_status, artist_id=self.artist,
            category_id=self.category, artwork_type=self.artwork_type,
            is_featured=self.is_featured, is_available=self.is_available,
            rekognition_checked=self.rekognition_checked, search=self.search,
            ordering=self.ordering)


class Label(Answer):
    name: str
    confidence: float


class DuplicateMatch(Answer):
    id: int = Field(description="The artwork the upload resembles")
    similarity_score: str = Field(description="0-100, two decimals")


class AdminArtwork(Answer):
    id: int
    title: str
    description: str
    artist: int
    artist_username: str
    artist_email: str | None = Field(description="Only to staff who may see users' contact "
                                     "data (Permission.VIEW_USERS); null otherwise")
    category: int
    category_name: str
    artwork_type: str
    price: MoneyOut
    is_available: bool
    is_featured: bool
    views_count: int
    likes_count: int
    created_at: Timestamp
    updated_at: Timestamp
    s3_image_url: str
    s3_watermarked_url: str
    rekognition_checked: bool = Field(description="Labels were found for the image")
    rekognition_labels: list[Label]
    similarity_score: str = Field(description="The duplicate check's score of the nearest "
                                  "other artwork, 0-100, two decimals")
    duplicate_risk: str = Field(json_schema_extra={"enum": ["LOW", "MEDIUM", "HIGH"]},
                                description=f"HIGH from {DUPLICATE_THRESHOLD:g}, MEDIUM from "
                                f"{REVIEW_THRESHOLD:g} (held for review), LOW below")
    duplicate_match: DuplicateMatch | None = Field(
        description="The artwork an upload held for review resembles (null when none)")
    moderation_status: str = Field(json_schema_extra={"enum": STATUSES})
    removed_at: Timestamp | None = Field(description="When a moderator removed it from the "
                                         "public catalogue (null when not)")

    @classmethod
    def of(cls, req: falcon.Request, view: ArtworkView) -> AdminArtwork:
        score = view.similarity_score
        risk = ("HIGH" if score >= DUPLICATE_THRESHOLD else
                "MEDIUM" if score >= REVIEW_THRESHOLD else "LOW")
        match = None if view.duplicate_candidate_id is None else DuplicateMatch(
            id=view.duplicate_candidate_id,
            similarity_score=f"{view.duplicate_candidate_score or 0.0:.2f}")
        return cls(
            id=view.id, title=view.title, description=view.description, artist=view.artist.id,
            artist_username=view.artist.username, artist_email=view.artist.email or None,
            category=view.category_id, category_name=view.category_name,
            artwork_type=view.artwork_type, price=view.price, is_available=view.is_available,
            is_featured=view.is_featured, views_count=view.views_count,
            likes_count=view.likes_count, created_at=view.created_at,
            updated_at=view.updated_at, s3_image_url=absolute(req, view.image_url),
            s3_watermarked_url=absolute(req, view.watermarked_url),
            rekognition_checked=bool(view.labels),
            rekognition_labels=[Label(name=name, confidence=round(confidence, 1))
                                for name, confidence in view.labels],
            similarity_score=f"{score:.2f}", duplicate_risk=risk, duplicate_match=match,
            moderation_status=view.moderation_status, removed_at=view.removed_at)


class AdminArtworkPage(PageOf[AdminArtwork]):
    pass


class AdminArtworkListResource:
    def __init__(self, moderation: ArtworkModerationService) -> None:
        self._moderation = moderation

    @endpoint("Every artwork, pending and rejected included, with the duplicate check's data "
              "(staff)", TAG, permission=Permission.MODERATE_CONTENT, query=AdminArtworkQuery,
              response=AdminArtworkPage,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: AdminArtworkQuery
               ) -> AdminArtworkPage:
        page = self._moderation.list_artworks(require_actor(req), query.filters(),
                                              query.page_request())
        return AdminArtworkPage.of(req, page, lambda view: AdminArtwork.of(req, view))


# A rejection needs a reason (told to the artist): a rule across two fields that the
# document states, so that a request it calls valid is one the use case accepts.
_REJECT_WITH_REASON: dict[str, Any] = {
    "required": ["action", "reason"],
    "properties": {"action": {"enum": ["reject"]}, "reason": {
        "minLength": 1, "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"}}}


class ModerationInput(Shape):
    """Approve when `action` is absent or "approve"; "reject" needs a non-blank reason."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"properties": {"action": {"enum": ["approve"]}}}, _REJECT_WITH_REASON]})

    action: Choice(["approve", "reject"]) = None
    reason: Reason = None


class ApprovedArtwork(Answer):
    id: int
    title: str
    is_available: bool
    moderation_status: str = Field(json_schema_extra={"enum": STATUSES})
    updated_at: Timestamp


class ApproveAnswer(Answer):
    message: str
    artwork: ApprovedArtwork


class ApproveResource:
    def __init__(self, moderation: ArtworkModerationService) -> None:
        self._moderation = moderation

    @endpoint("Approve an artwork (no body), or reject it with "
              '{"action": "reject", "reason": "..."} (staff)', TAG,
              permission=Permission.MODERATE_CONTENT,
              body=ModerationInput, body_required=False, response=ApproveAnswer,
              errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, artwork_id: int,
                body: ModerationInput | None = None) -> ApproveAnswer:
        actor, ip = require_actor(req), req.context.ip
        if body is not None and body.action == "reject":
            view = self._moderation.reject(actor, artwork_id, reason=body.reason or "", ip=ip)
            verb = "rejected"
        else:
            view = self._moderation.approve(actor, artwork_id, ip=ip)
            verb = "approved"
        return ApproveAnswer(
            message=f'Artwork "{view.title}" {verb} successfully',
            artwork=ApprovedArtwork(id=view.id, title=view.title,
                                    is_available=view.is_available,
                                    moderation_status=view.moderation_status,
                                    updated_at=view.updated_at))


class FeatureInput(Shape):
    is_featured: Flag = Field(default=None, description="false unfeatures; true or left out "
                              "features")


class FeaturedArtwork(Answer):
    id: int
    title: str
    is_featured: bool
    updated_at: Timestamp


class FeatureAnswer(Answer):
    message: str
    artwork: FeaturedArtwork


class FeatureResource:
    def __init__(self, moderation: ArtworkModerationService) -> None:
        self._moderation = moderation

    @endpoint("Feature an artwork (without a body, or `is_featured: true`), or unfeature it "
              "(`is_featured: false`); sending it again changes nothing (staff)",
              TAG, permission=Permission.MODERATE_CONTENT, body=FeatureInput, body_required=False,
              response=FeatureAnswer,
              errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, artwork_id: int,
                body: FeatureInput | None = None) -> FeatureAnswer:
        wanted = body is None or body.is_featured is None or body.is_featured
        view = self._moderation.feature(require_actor(req), artwork_id, featured=wanted,
                                        ip=req.context.ip)
        verb = "featured" if view.is_featured else "unfeatured"
        return FeatureAnswer(
            message=f'Artwork "{view.title}" {verb} successfully',
            artwork=FeaturedArtwork(id=view.id, title=view.title, is_featured=view.is_featured,
                                    updated_at=view.updated_at))


class ArtworkStatsAnswer(Answer):
    total_artworks: int
    available_artworks: int
    featured_artworks: int
    pending_review: int
    approved_artworks: int
    rejected_artworks: int
    total_views: int
    total_likes: int
    average_price: MoneyOut
    recent_uploads: int = Field(description="Uploaded in the last 7 days")


class ArtworkStatsResource:
    def __init__(self, moderation: ArtworkModerationService) -> None:
        self._moderation = moderation

    @endpoint("Artwork statistics (staff)", TAG, permission=Permission.MODERATE_CONTENT,
              response=ArtworkStatsAnswer,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> ArtworkStatsAnswer:
        stats = self._moderation.stats(require_actor(req))
        return ArtworkStatsAnswer(
            total_artworks=stats.total_artworks, available_artworks=stats.available_artworks,
            featured_artworks=stats.featured_artworks, pending_review=stats.pending_review,
            approved_artworks=stats.approved_artworks,
            rejected_artworks=stats.rejected_artworks, total_views=stats.total_views,
            total_likes=stats.total_likes, average_price=stats.average_price,
            recent_uploads=stats.recent_uploads)


class BulkArtworkInput(Shape):
    """`action` one of BULK_ACTIONS; "reject" needs a non-blank reason."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"properties": {"action": {"enum": [a for a in BULK_ACTIONS if a != "reject"]}}},
        _REJECT_WITH_REASON]})

    artwork_ids: list[Id] = Field(description=f"At least one id, at most {BULK_MAX_IDS} "
                                  "(repeats counted)",
                                  json_schema_extra={"minItems": 1, "maxItems": BULK_MAX_IDS})
    # The pattern documents the choice; the use case answers an unknown one with the panel's
    # own message ("Invalid action specified").
    action: Text(32, description="One of: " + ", ".join(BULK_ACTIONS),
                 pattern=f"^({'|'.join(BULK_ACTIONS)})$")
    reason: Reason = None


class BulkArtworkAnswer(Answer):
    message: str
    affected_artworks: int
    action: str
    processed_at: Timestamp
    affected_ids: list[int]
    not_found_ids: list[int] = Field(description="Ids asked for that name no artwork")
    unchanged_ids: list[int] = Field(description=(
        "Artworks already so (featured or unfeatured again): left alone, not audited"))
    not_featurable_ids: list[int] = Field(description=(
        "Artworks the public does not see (rejected, removed, held for a duplicate review), "
        "which are never featured"))


class BulkArtworksResource:
    def __init__(self, moderation: ArtworkModerationService) -> None:
        self._moderation = moderation

    @endpoint(f"Approve, reject (with a reason), feature or unfeature up to {BULK_MAX_IDS} "
              "artworks in one transaction (staff)", TAG,
              permission=Permission.MODERATE_CONTENT, body=BulkArtworkInput,
              body_types=(falcon.MEDIA_JSON,), response=BulkArtworkAnswer, errors=(403,),
              description="A JSON body: a form cannot carry the list of ids.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: BulkArtworkInput
                ) -> BulkArtworkAnswer:
        result = self._moderation.bulk(require_actor(req), body.artwork_ids, body.action,
                                       reason=body.reason or "", ip=req.context.ip)
        return BulkArtworkAnswer(
            message=bulk_message(result), affected_artworks=len(result.affected_ids),
            action=result.action, processed_at=result.processed_at,
            affected_ids=result.affected_ids, not_found_ids=result.not_found_ids,
            unchanged_ids=result.unchanged_ids, not_featurable_ids=result.not_featurable_ids)


# -- jobs ------------------------------------------------------------------------------------


class AdminJobQuery(Pagination):
    status: Choice([status.value for status in JobStatus]) = None
    experience_level: Choice([level.value for level in ExperienceLevel]) = None
    category: Id = None
    buyer: Id = None
    search: Search = None
    ordering: Ordering(JOB_ORDERING_FIELDS) = None

    def filters(self) -> JobFilters:
        return JobFilters(status=self.status, experience_level=self.experience_level,
                          category_id=self.category, buyer_id=self.buyer, search=self.search,
                          ordering=self.ordering)


class AdminJob(Answer):
    id: int
    title: str
    description: str
    buyer: int
    buyer_username: str
    buyer_email: str | None = Field(description="Only to staff who may see users' contact "
                                    "data (Permission.VIEW_USERS); null otherwise")
    hired_artist: int | None
    hired_artist_username: str | None
    category: int
    category_name: str
    budget_min: MoneyOut
    budget_max: MoneyOut
    duration_days: int
    required_skills: str
    experience_level: str
    status: str = Field(json_schema_extra={"enum": [status.value for status in JobStatus]})
    final_amount: MoneyOut | None
    deadline: Timestamp
    created_at: Timestamp
    updated_at: Timestamp
    total_bids: int
    average_bid: MoneyOut | None
    days_since_posted: int
    days_until_deadline: int = Field(description="Negative once the deadline has passed")

    @classmethod
    def of(cls, view: JobView, days: tuple[int, int]) -> AdminJob:
        hired = view.hired_artist
        return cls(
            id=view.id, title=view.title, description=view.description, buyer=view.buyer.id,
            buyer_username=view.buyer.username, buyer_email=view.buyer.email or None,
            hired_artist=hired.id if hired else None,
            hired_artist_username=hired.username if hired else None,
            category=view.category.id, category_name=view.category.name,
            budget_min=view.budget_min, budget_max=view.budget_max,
            duration_days=view.duration_days, required_skills=view.required_skills,
            experience_level=view.experience_level, status=view.status,
            final_amount=view.final_amount, deadline=view.deadline,
            created_at=view.created_at, updated_at=view.updated_at,
            total_bids=view.total_bids, average_bid=view.average_bid,
            days_since_posted=days[0], days_until_deadline=days[1])


class AdminJobPage(PageOf[AdminJob]):
    pass


class AdminJobListResource:
    def __init__(self, oversight: JobOversightService) -> None:
        self._oversight = oversight

    @endpoint("Every job (staff)", TAG, permission=Permission.VIEW_DASHBOARD,
              query=AdminJobQuery, response=AdminJobPage,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: AdminJobQuery
               ) -> AdminJobPage:
        page = self._oversight.list_jobs(require_actor(req), query.filters(),
                                         query.page_request())
        return AdminJobPage.of(
            req, page, lambda view: AdminJob.of(view, self._oversight.days_between(view)))


class CloseInput(Shape):
    reason: Text(CLOSE_REASON_MAX, blank=True,
                 description="Why; told to the buyer and the hired artist") = None


class ClosedJob(Answer):
    id: int
    title: str
    status: str
    updated_at: Timestamp


class CloseAnswer(Answer):
    message: str
    job: ClosedJob


class CloseJobResource:
    def __init__(self, oversight: JobOversightService) -> None:
        self._oversight = oversight

    @endpoint("Close a job: it is cancelled, its pending bids rejected (admins)", TAG,
              permission=Permission.MANAGE_JOBS, body=CloseInput, body_required=False,
              response=CloseAnswer,
              errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: int,
                body: CloseInput | None = None) -> CloseAnswer:
        view = self._oversight.close(require_actor(req), job_id,
                                     reason=(body.reason if body else None) or "",
                                     ip=req.context.ip)
        return CloseAnswer(message=f'Job "{view.title}" closed by admin',
                           job=ClosedJob(id=view.id, title=view.title, status=view.status,
                                         updated_at=view.updated_at))


class AverageBudget(Answer):
    avg_min: MoneyOut
    avg_max: MoneyOut


class JobStatsAnswer(Answer):
    total_jobs: int
    open_jobs: int
    in_progress_jobs: int
    completed_jobs: int
    cancelled_jobs: int
    average_budget: AverageBudget
    total_bids: int
    recent_jobs: int = Field(description="Posted in the last 7 days")


class JobStatsResource:
    def __init__(self, oversight: JobOversightService) -> None:
        self._oversight = oversight

    @endpoint("Job statistics (staff)", TAG, permission=Permission.VIEW_DASHBOARD,
              response=JobStatsAnswer,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> JobStatsAnswer:
        stats = self._oversight.stats(require_actor(req))
        return JobStatsAnswer(
            total_jobs=stats.total_jobs, open_jobs=stats.open_jobs,
            in_progress_jobs=stats.in_progress_jobs, completed_jobs=stats.completed_jobs,
            cancelled_jobs=stats.cancelled_jobs,
            average_budget=AverageBudget(avg_min=stats.average_budget_min,
                                         avg_max=stats.average_budget_max),
            total_bids=stats.total_bids, recent_jobs=stats.recent_jobs)


# -- categories ------------------------------------------------------------------------------


class CategoryInput(Shape):
    name: Text(100)
    description: Text(1000, blank=True) = None
    is_active: Flag = None


class CreatedCategory(Answer):
    id: int
    name: str
    description: str
    is_active: bool
    created_at: Timestamp


class AdminCategoryListResource:
    def __init__(self, categories: CategoryService) -> None:
        self._categories = categories

    @endpoint("Create a category (admins)", TAG, permission=Permission.MANAGE_CATALOG,
              body=CategoryInput,
              response=CreatedCategory, status=201, errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: CategoryInput
                ) -> CreatedCategory:
        view = self._categories.create_category(
            actor=require_actor(req), name=body.name, description=body.description or "",
            is_active=True if body.is_active is None else body.is_active, ip=req.context.ip)
        return CreatedCategory(id=view.id, name=view.name, description=view.description,
                               is_active=view.is_active, created_at=view.created_at)


class CategoryState(Answer):
    id: int
    name: str
    is_active: bool
    updated_at: Timestamp


class CategoryStateAnswer(Answer):
    message: str
    category: CategoryState


class _CategoryStateResource:
    active = True

    def __init__(self, categories: CategoryService) -> None:
        self._categories = categories

    def _set(self, req: falcon.Request, category_id: int) -> CategoryStateAnswer:
        view = self._categories.set_active(actor=require_actor(req), category_id=category_id,
                                           active=self.active, ip=req.context.ip)
        verb = "activated" if self.active else "deactivated"
        return CategoryStateAnswer(
            message=f'Category "{view.name}" {verb} successfully',
            category=CategoryState(id=view.id, name=view.name, is_active=view.is_active,
                                   updated_at=view.updated_at))


class ActivateCategoryResource(_CategoryStateResource):
    @endpoint("Activate a category (admins)", TAG, permission=Permission.MANAGE_CATALOG,
              response=CategoryStateAnswer,
              errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, category_id: int
                ) -> CategoryStateAnswer:
        return self._set(req, category_id)


class DeactivateCategoryResource(_CategoryStateResource):
    active = False

    @endpoint("Deactivate a category: it takes no new jobs or artworks; existing ones stay "
              "(admins)", TAG, permission=Permission.MANAGE_CATALOG,
              response=CategoryStateAnswer, errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, category_id: int
                ) -> CategoryStateAnswer:
        return self._set(req, category_id)


# -- equipment -------------------------------------------------------------------------------


class StockInput(Shape):
    """Exactly one of `stock_quantity` and `adjustment` (the document says so with oneOf)."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["stock_quantity"]}, {"required": ["adjustment"]}]})

    stock_quantity: Integer(0, MAX_STOCK, description="Set the stock to this") = None
    adjustment: Integer(-MAX_STOCK, MAX_STOCK, description="Add this (negative removes); "
                        "the stock never goes below zero") = None
    reason: Text(1000, blank=True, description="Kept in the audit log") = None


class StockState(Answer):
    id: int
    name: str
    stock_quantity: int
    updated_at: Timestamp


class StockAnswer(Answer):
    message: str
    equipment: StockState


class UpdateStockResource:
    def __init__(self, equipment: EquipmentService) -> None:
        self._equipment = equipment

    @endpoint("Set the stock (`stock_quantity`) or change it (`adjustment`); exactly one "
              "(admins)", TAG, permission=Permission.MANAGE_CATALOG, body=StockInput,
              response=StockAnswer,
              errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, equipment_id: int,
                body: StockInput) -> StockAnswer:
        view = self._equipment.update_stock(
            require_actor(req), equipment_id, stock_quantity=body.stock_quantity,
            adjustment=body.adjustment, reason=body.reason or "", ip=req.context.ip)
        return StockAnswer(message=f'Stock updated for "{view.name}"',
                           equipment=StockState(id=view.id, name=view.name,
                                                stock_quantity=view.stock_quantity,
                                                updated_at=view.updated_at))


def add_admin_catalog_routes(app: falcon.App, *, moderation: ArtworkModerationService,
                             oversight: JobOversightService, categories: CategoryService,
                             equipment: EquipmentService) -> None:
    app.add_route("/api/admin/artworks", AdminArtworkListResource(moderation))
    app.add_route("/api/admin/artworks/stats", ArtworkStatsResource(moderation))
    app.add_route("/api/admin/artworks/{artwork_id:id}/approve", ApproveResource(moderation))
    app.add_route("/api/admin/artworks/{artwork_id:id}/feature", FeatureResource(moderation))
    app.add_route("/api/admin/bulk/artworks", BulkArtworksResource(moderation))
    app.add_route("/api/admin/jobs", AdminJobListResource(oversight))
    app.add_route("/api/admin/jobs/stats", JobStatsResource(oversight))
    app.add_route("/api/admin/jobs/{job_id:id}/close", CloseJobResource(oversight))
    app.add_route("/api/admin/categories", AdminCategoryListResource(categories))
    app.add_route("/api/admin/categories/{category_id:id}/activate",
                  ActivateCategoryResource(categories))
    app.add_route("/api/admin/categories/{category_id:id}/deactivate",
                  DeactivateCategoryResource(categories))
    app.add_route("/api/admin/equipment/{equipment_id:id}/update-stock",
                  UpdateStockResource(equipment))
