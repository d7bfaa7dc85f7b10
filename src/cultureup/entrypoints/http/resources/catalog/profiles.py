"""/api/artist-profiles/ and /api/buyer-profiles/: public profiles, each kept by its user.

Computed fields (rating, totals, completion rate) are read from the jobs; if a client sends
them, they are ignored like any other unknown field. A buyer's address is shown only to that
buyer and to staff; the user inside a profile is the public one (no e-mail or phone).
"""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.catalog.profiles import ArtistProfileService, BuyerProfileService
from cultureup.application.catalog.views import (
    ARTIST_ORDERING_FIELDS,
    BUYER_ORDERING_FIELDS,
    ArtistProfileFilters,
    BuyerProfileFilters,
)
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.profiles import (
    ADDRESS_MAX,
    ARTIST_LEVELS,
    BIO_MAX,
    COMPANY_NAME_MAX,
    PORTFOLIO_MAX,
    SKILLS_MAX,
    ArtistProfileTerms,
    BuyerProfileTerms,
)
from cultureup.entrypoints.http.auth import optional_actor, require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    AnyCaseChoice,
    Flag,
    MoneyIn,
    MoneyOut,
    Ordering,
    Text,
)
from cultureup.entrypoints.http.shapes import CursorPagination, PageOf, PublicUser

ARTISTS, BUYERS = "Artist profiles", "Buyer profiles"
SEARCH_MAX = 200
Level = AnyCaseChoice(ARTIST_LEVELS)
Rate = MoneyIn("non_negative", description="PKR per hour, at least 0, at most two decimals")
Bio = Text(BIO_MAX, blank=True)
Skills = Text(SKILLS_MAX, blank=True, description="Comma-separated skills")
Portfolio = Text(PORTFOLIO_MAX, blank=True)
Company = Text(COMPANY_NAME_MAX, blank=True)
Address = Text(ADDRESS_MAX, blank=True)
ArtistSearch = Text(SEARCH_MAX, blank=True,
                    description="Text in the username, first or last name, bio or skills")
BuyerSearch = Text(SEARCH_MAX, blank=True,
                   description="Text in the username, first or last name or company")
ArtistOrdering = Ordering(ARTIST_ORDERING_FIELDS)
BuyerOrdering = Ordering(BUYER_ORDERING_FIELDS)
MinRate = MoneyIn("any", description="Hourly rate at least this")
MaxRate = MoneyIn("any", description="Hourly rate at most this")


def sees_private_data(actor: Actor | None, user_id: int) -> bool:
    """A user's e-mail, phone and address: only for that user and ``Permission.VIEW_USERS``
    (staff, admins; not content moderators)."""
    return actor is not None and (actor.id == user_id or can(actor, Permission.VIEW_USERS))


class ArtistProfileInput(Shape):
    bio: Bio = ""
    skills: Skills = ""
    experience_level: Level
    hourly_rate: Rate
    portfolio_description: Portfolio = ""
    is_available: Flag = True


class ArtistProfileUpdate(Shape):
    bio: Bio = None
    skills: Skills = None
    experience_level: Level = None
    hourly_rate: Rate = None
    portfolio_description: Portfolio = None
    is_available: Flag = None


class ArtistProfileQuery(CursorPagination):
    experience_level: Level = None
    is_available: Flag = None
    min_hourly_rate: MinRate = None
    max_hourly_rate: MaxRate = None
    search: ArtistSearch = None
    ordering: ArtistOrdering = None


class ArtistProfile(Answer):
    user: PublicUser
    bio: str
    skills: str
    experience_level: str = Field(json_schema_extra={"enum": list(ARTIST_LEVELS)})
    hourly_rate: MoneyOut
    portfolio_description: str
    rating: float = Field(description="Mean review rating, two decimals; 0.0 without reviews")
    total_projects_completed: int = Field(
        ge=0, description="Completed jobs this artist was hired for")
    total_earnings: MoneyOut = Field(description="Sum of the final amounts of those jobs")
    is_available: bool
    completion_rate: float = Field(
        ge=0, le=100, description="Percent of the artist's ended jobs (completed or "
        "cancelled) that were completed, one decimal; 0.0 when none ended")
    total_reviews: int = Field(ge=0, description="Reviews the artist received")

    @classmethod
    def of(cls, view: Any) -> ArtistProfile:
        return cls(
            user=PublicUser.of(view.user), bio=view.bio, skills=view.skills,
            experience_level=view.experience_level, hourly_rate=view.hourly_rate,
            portfolio_description=view.portfolio_description, rating=float(view.rating),
            total_projects_completed=view.total_projects_completed,
            total_earnings=view.total_earnings, is_available=view.is_available,
            completion_rate=float(view.completion_rate), total_reviews=view.total_reviews)


class ArtistProfilePage(PageOf[ArtistProfile]):
    pass


class BuyerProfileInput(Shape):
    company_name: Company = None
    address: Address = None


class BuyerProfileQuery(CursorPagination):
    search: BuyerSearch = None
    ordering: BuyerOrdering = None


class BuyerProfile(Answer):
    user: PublicUser
    company_name: str
    address: str | None = Field(
        default=None, description="Only for the buyer themselves and for staff")
    total_spent: MoneyOut = Field(
        description="Sum of the final amounts of the buyer's completed jobs")
    projects_posted: int = Field(ge=0, description="Jobs the buyer has posted")

    @classmethod
    def of(cls, view: Any, actor: Actor | None) -> BuyerProfile:
        private = {"address": view.address} if sees_private_data(actor, view.user.id) else {}
        return cls(user=PublicUser.of(view.user), company_name=view.company_name,
                   total_spent=view.total_spent, projects_posted=view.projects_posted,
                   **private)


class BuyerProfilePage(PageOf[BuyerProfile]):
    pass


class ArtistProfileListResource:
    def __init__(self, profiles: ArtistProfileService) -> None:
        self._profiles = profiles

    @endpoint("List artist profiles", ARTISTS, query=ArtistProfileQuery,
              response=ArtistProfilePage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ArtistProfileQuery
               ) -> ArtistProfilePage:
        filters = ArtistProfileFilters(
            experience_level=query.experience_level, is_available=query.is_available,
            min_hourly_rate=query.min_hourly_rate, max_hourly_rate=query.max_hourly_rate,
            search=query.search, ordering=query.ordering)
        return ArtistProfilePage.of(
            req, self._profiles.list_profiles(filters, query.page_request()), ArtistProfile.of)

    @endpoint("Create the caller's artist profile (artists, once)", ARTISTS, auth=True,
              body=ArtistProfileInput, response=ArtistProfile, status=201, errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: ArtistProfileInput
                ) -> ArtistProfile:
        terms = ArtistProfileTerms(**body.model_dump())
        return ArtistProfile.of(self._profiles.create_profile(require_actor(req), terms))


class ArtistProfileResource:
    def __init__(self, profiles: ArtistProfileService) -> None:
        self._profiles = profiles

    @endpoint("One artist profile", ARTISTS, response=ArtistProfile)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int
               ) -> ArtistProfile:
        return ArtistProfile.of(self._profiles.get_profile(user_id))

    @endpoint("Replace the artist profile's fields (its owner)", ARTISTS, auth=True,
              body=ArtistProfileInput, response=ArtistProfile, errors=(403,))
    def on_put(self, req: falcon.Request, resp: falcon.Response, user_id: int,
               body: ArtistProfileInput) -> ArtistProfile:
        return ArtistProfile.of(self._profiles.update_profile(
            require_actor(req), user_id, body.sent()))

    @endpoint("Change some of the artist profile's fields (its owner)", ARTISTS, auth=True,
              body=ArtistProfileUpdate, response=ArtistProfile, errors=(403,))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                 body: ArtistProfileUpdate) -> ArtistProfile:
        return ArtistProfile.of(self._profiles.update_profile(
            require_actor(req), user_id, body.sent()))

    @endpoint("Delete the artist profile (its owner; the account stays)", ARTISTS, auth=True,
              status=204, errors=(403,))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._profiles.delete_profile(require_actor(req), user_id)


class BuyerProfileListResource:
    def __init__(self, profiles: BuyerProfileService) -> None:
        self._profiles = profiles

    @endpoint("List buyer profiles", BUYERS, query=BuyerProfileQuery,
              response=BuyerProfilePage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: BuyerProfileQuery
               ) -> BuyerProfilePage:
        actor = optional_actor(req)
        filters = BuyerProfileFilters(search=query.search, ordering=query.ordering)
        page = self._profiles.list_profiles(filters, query.page_request())
        return BuyerProfilePage.of(req, page, lambda view: BuyerProfile.of(view, actor))

    @endpoint("Create the caller's buyer profile (buyers, once)", BUYERS, auth=True,
              body=BuyerProfileInput, response=BuyerProfile, status=201, errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: BuyerProfileInput
                ) -> BuyerProfile:
        actor = require_actor(req)
        terms = BuyerProfileTerms(**body.sent())
        return BuyerProfile.of(self._profiles.create_profile(actor, terms), actor)


class BuyerProfileResource:
    def __init__(self, profiles: BuyerProfileService) -> None:
        self._profiles = profiles

    @endpoint("One buyer profile", BUYERS, response=BuyerProfile)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int
               ) -> BuyerProfile:
        return BuyerProfile.of(self._profiles.get_profile(user_id), optional_actor(req))

    @endpoint("Replace the buyer profile's fields (its owner)", BUYERS, auth=True,
              body=BuyerProfileInput, response=BuyerProfile, errors=(403,))
    def on_put(self, req: falcon.Request, resp: falcon.Response, user_id: int,
               body: BuyerProfileInput) -> BuyerProfile:
        return self._update(req, user_id, body)

    @endpoint("Change some of the buyer profile's fields (its owner)", BUYERS, auth=True,
              body=BuyerProfileInput, response=BuyerProfile, errors=(403,))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                 body: BuyerProfileInput) -> BuyerProfile:
        return self._update(req, user_id, body)

    @endpoint("Delete the buyer profile (its owner; the account stays)", BUYERS, auth=True,
              status=204, errors=(403,))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._profiles.delete_profile(require_actor(req), user_id)

    def _update(self, req: falcon.Request, user_id: int, body: BuyerProfileInput
                ) -> BuyerProfile:
        # Both fields are optional, so PUT and PATCH read the body the same way.
        actor = require_actor(req)
        return BuyerProfile.of(self._profiles.update_profile(actor, user_id, body.sent()),
                               actor)
