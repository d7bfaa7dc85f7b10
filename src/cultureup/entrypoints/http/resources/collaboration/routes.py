"""Routes of contracts, messages, reviews, the dashboard and analytics (added by
`routes.add_routes`). Templates carry no trailing slash, like every other route."""

from __future__ import annotations

import falcon

from cultureup.application.services import UseCases
from cultureup.entrypoints.http.resources.collaboration.contracts import (
    ContractListResource,
    ContractResource,
    SignResource,
)
from cultureup.entrypoints.http.resources.collaboration.dashboard import (
    AnalyticsListResource,
    AnalyticsResource,
    CalculateTodayResource,
    DashboardResource,
)
from cultureup.entrypoints.http.resources.collaboration.messages import (
    ConversationsResource,
    MarkReadResource,
    MessageListResource,
    MessageResource,
)
from cultureup.entrypoints.http.resources.collaboration.reviews import (
    ArtistReviewsResource,
    ReviewListResource,
    ReviewResource,
)


def add_collaboration_routes(app: falcon.App, services: UseCases) -> None:
    contracts, messages, reviews = services.contracts, services.messages, services.reviews
    app.add_route("/api/contracts", ContractListResource(contracts))
    app.add_route("/api/contracts/{contract_id:id}", ContractResource(contracts))
    app.add_route("/api/contracts/{contract_id:id}/sign", SignResource(contracts))
    app.add_route("/api/messages", MessageListResource(messages))
    app.add_route("/api/messages/conversations", ConversationsResource(messages))
    app.add_route("/api/messages/{message_id:id}", MessageResource(messages))
    app.add_route("/api/messages/{message_id:id}/mark-read", MarkReadResource(messages))
    app.add_route("/api/reviews", ReviewListResource(reviews))
    app.add_route("/api/reviews/{review_id:id}", ReviewResource(reviews))
    app.add_route("/api/artist-profiles/{user_id:id}/reviews",
                  ArtistReviewsResource(reviews, services.artist_profiles))
    app.add_route("/api/dashboard/stats", DashboardResource(services.dashboard))
    analytics = services.analytics
    app.add_route("/api/analytics", AnalyticsListResource(analytics))
    app.add_route("/api/analytics/calculate-today", CalculateTodayResource(analytics))
    app.add_route("/api/analytics/{analytics_id:id}", AnalyticsResource(analytics))
