"""Every route of the API. Templates carry no trailing slash: the app strips it from requests,
so /api/jobs/ and /api/jobs reach the same resource."""

from __future__ import annotations

import falcon

from cultureup.application.services import UseCases
from cultureup.entrypoints.http.catalog_routes import add_catalog_routes
from cultureup.entrypoints.http.docs import DocsPageResource, OpenApiResource, add_docs_assets
from cultureup.entrypoints.http.resources.accounts.two_factor import (
    BackupCodesResource,
    DisableResource,
    EnableResource,
    ResetSetupResource,
    SetupResource,
    StatusResource,
    VerifyResource,
)
from cultureup.entrypoints.http.resources.accounts.users import (
    LoginResource,
    LogoutResource,
    PasswordResource,
    ProfileResource,
    RegisterResource,
)
from cultureup.entrypoints.http.resources.admin.audit import add_admin_audit_routes
from cultureup.entrypoints.http.resources.admin.catalog import add_admin_catalog_routes
from cultureup.entrypoints.http.resources.admin.reports import add_admin_report_routes
from cultureup.entrypoints.http.resources.admin.users import add_admin_user_routes
from cultureup.entrypoints.http.resources.api_index import ApiIndexResource
from cultureup.entrypoints.http.resources.catalog.artworks import (
    ArtistArtworksResource,
    ArtworkListResource,
    ArtworkResource,
    FeaturedResource,
    LikeResource,
)
from cultureup.entrypoints.http.resources.catalog.categories import (
    CategoryListResource,
    CategoryResource,
)
from cultureup.entrypoints.http.resources.catalog.search import SearchResource
from cultureup.entrypoints.http.resources.collaboration.notifications import (
    MarkAllReadResource,
    MarkReadResource,
    NotificationListResource,
    NotificationResource,
    UnreadCountResource,
)
from cultureup.entrypoints.http.resources.collaboration.routes import add_collaboration_routes
from cultureup.entrypoints.http.resources.commerce.routes import add_commerce_routes
from cultureup.entrypoints.http.resources.health import HealthResource
from cultureup.entrypoints.http.resources.hiring.bids import BidListResource, BidResource
from cultureup.entrypoints.http.resources.hiring.jobs import (
    CancelResource,
    CompleteResource,
    HireResource,
    JobBidsResource,
    JobListResource,
    JobResource,
)
from cultureup.entrypoints.http.resources.moderation.content import add_moderation_routes
from cultureup.entrypoints.http.resources.moderation.routes import add_safety_routes
from cultureup.entrypoints.http.resources.private_files import ROUTE as PRIVATE_FILE_ROUTE
from cultureup.entrypoints.http.resources.private_files import PrivateFileResource

ID = "id"


def add_routes(app: falcon.App, services: UseCases, *, max_upload_bytes: int = 20 * 2**20
               ) -> None:
    accounts, jobs, bids = services.accounts, services.jobs, services.bids
    app.add_route("/api", ApiIndexResource())
    app.add_route("/api/health", HealthResource())
    app.add_route("/api/auth/register", RegisterResource(accounts))
    app.add_route("/api/auth/login", LoginResource(accounts))
    app.add_route("/api/auth/logout", LogoutResource(accounts))
    app.add_route("/api/auth/profile", ProfileResource(accounts))
    app.add_route("/api/auth/password", PasswordResource(accounts))
    two_factor = services.two_factor
    app.add_route("/api/auth/2fa/setup", SetupResource(two_factor))
    app.add_route("/api/auth/2fa/reset-setup", ResetSetupResource(two_factor))
    app.add_route("/api/auth/2fa/enable", EnableResource(two_factor))
    app.add_route("/api/auth/2fa/verify", VerifyResource(two_factor))
    app.add_route("/api/auth/2fa/disable", DisableResource(two_factor))
    app.add_route("/api/auth/2fa/status", StatusResource(two_factor))
    app.add_route("/api/auth/2fa/backup-codes", BackupCodesResource(two_factor))
    app.add_route("/api/categories", CategoryListResource(services.categories))
    app.add_route(f"/api/categories/{{category_id:{ID}}}", CategoryResource(services.categories))
    app.add_route("/api/jobs", JobListResource(jobs))
    app.add_route(f"/api/jobs/{{job_id:{ID}}}", JobResource(jobs))
    app.add_route(f"/api/jobs/{{job_id:{ID}}}/bids", JobBidsResource(jobs))
    app.add_route(f"/api/jobs/{{job_id:{ID}}}/hire", HireResource(jobs))
    app.add_route(f"/api/jobs/{{job_id:{ID}}}/complete", CompleteResource(jobs))
    app.add_route(f"/api/jobs/{{job_id:{ID}}}/cancel", CancelResource(jobs))
    app.add_route("/api/bids", BidListResource(bids))
    app.add_route(f"/api/bids/{{bid_id:{ID}}}", BidResource(bids))
    artworks = services.artworks
    app.add_route("/api/artworks", ArtworkListResource(artworks, max_upload_bytes))
    app.add_route("/api/artworks/featured", FeaturedResource(artworks))
    app.add_route(f"/api/artworks/{{artwork_id:{ID}}}",
                  ArtworkResource(artworks, max_upload_bytes))
    app.add_route(f"/api/artworks/{{artwork_id:{ID}}}/like", LikeResource(artworks))
    app.add_route(f"/api/artist-profiles/{{user_id:{ID}}}/artworks",
                  ArtistArtworksResource(artworks, services.artist_profiles))
    app.add_route("/api/search", SearchResource(services.search))
    notifications = services.notifications
    app.add_route("/api/notifications", NotificationListResource(notifications))
    app.add_route("/api/notifications/mark-all-read", MarkAllReadResource(notifications))
    app.add_route("/api/notifications/unread-count", UnreadCountResource(notifications))
    app.add_route(f"/api/notifications/{{notification_id:{ID}}}",
                  NotificationResource(notifications))
    app.add_route(f"/api/notifications/{{notification_id:{ID}}}/mark-read",
                  MarkReadResource(notifications))
    app.add_route(PRIVATE_FILE_ROUTE, PrivateFileResource(services.private_files))
    app.add_route("/api/openapi.json", OpenApiResource(app))
    docs = DocsPageResource()
    for path in ("/api/docs", "/swagger", "/redoc"):
        app.add_route(path, docs)
    add_docs_assets(app)
    add_catalog_routes(app, services.artist_profiles, services.buyer_profiles,
                       services.equipment)
    add_commerce_routes(app, services)
    add_admin_catalog_routes(app, moderation=services.artwork_moderation,
                             oversight=services.job_oversight, categories=services.categories,
                             equipment=services.equipment)
    add_collaboration_routes(app, services)
    add_admin_report_routes(app, services.admin_reports)
    add_moderation_routes(app, services)
    add_safety_routes(app, services)
    add_admin_user_routes(app, services.admin_users)
    add_admin_audit_routes(app, services.audit)
