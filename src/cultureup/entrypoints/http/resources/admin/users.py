"""/api/admin/users/ and /api/admin/bulk/users/: the users admin (spec "User Management").

Each route declares the role-table permission it needs (`permission=`); the use cases in
application/admin/users.py check it again and write the audit entries.
"""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.admin.user_views import (
    ADMIN_USER_ORDERING_FIELDS,
    ADMIN_USERS_DEFAULT_PAGE_SIZE,
    ADMIN_USERS_MAX_PAGE_SIZE,
    AdminUserFilters,
    AdminUserRow,
    UserChange,
)
from cultureup.application.admin.users import USER_TYPES, UserAdminService, page_request
from cultureup.application.views import PageRequest
from cultureup.domain.accounts.roles import Permission
from cultureup.domain.admin.bulk import BULK_MAX_IDS
from cultureup.domain.admin.users import (
    GRANTABLE,
    PAST_TENSE,
    REASON_MAX,
    USER_ACTIONS,
    UserAction,
)
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
from cultureup.entrypoints.http.shapes import MAX_PAGE, PageOf

TAG = "Admin: users"
ID = "id"

PageNumber = Integer(1, MAX_PAGE, description="Page number, from 1")
PageSize = Integer(1, ADMIN_USERS_MAX_PAGE_SIZE, description=(
    f"Items per page (default {ADMIN_USERS_DEFAULT_PAGE_SIZE}, at most "
    f"{ADMIN_USERS_MAX_PAGE_SIZE})"))
Reason = Text(REASON_MAX, blank=True, description="Why; written to the audit log")


class AdminUserQuery(Shape):
    page: PageNumber = None
    page_size: PageSize = None
    user_type: Choice(USER_TYPES) = None
    is_verified: Flag = None
    is_active: Flag = None
    is_staff: Flag = Field(default=None, description="Holds any platform role")
    search: Text(200, blank=True, description="In username, e-mail, first or last name") = None
    ordering: Ordering(ADMIN_USER_ORDERING_FIELDS) = None

    def filters(self) -> AdminUserFilters:
        return AdminUserFilters(user_type=self.user_type, is_verified=self.is_verified,
                                is_active=self.is_active, is_staff=self.is_staff,
                                search=self.search, ordering=self.ordering)

    def page_request(self) -> PageRequest:
        return page_request(self.page, self.page_size)


class AdminUserProfile(Answer):
    """The mobile admin panel's `profile` of a row."""

    avatar: str | None = Field(description="The profile image's URL (as `profile_image`); "
                               "null without one.")
    bio: str = Field(description="The artist profile's bio; empty for an account without "
                     "one.")


class AdminUserActivity(Answer):
    """The mobile admin panel's `stats` of a row."""

    total_listings: int = Field(description="Artworks uploaded and jobs posted "
                                "(total_artworks + total_jobs_posted).")
    total_views: int = Field(description="Views of the user's artworks.")
    reports_received: int = Field(description="Reports on the account and on anything it "
                                  "owns (artworks, jobs, messages, reviews), any status.")
    reports_made: int = Field(description="Reports the user filed, any status.")


class AdminUser(Answer):
    """A row of the admin users list: the union of what the web admin ("User Management")
    and the mobile admin panel ("Admin Users") read; the fields other admin screens add go
    here."""

    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    user_type: str = Field(json_schema_extra={"enum": list(USER_TYPES)})
    phone_number: str
    is_verified: bool
    is_active: bool
    is_staff: bool
    is_superuser: bool
    staff_role: str | None
    profile_image: str | None
    created_at: Timestamp
    updated_at: Timestamp
    last_login: Timestamp | None
    total_artworks: int
    total_jobs_posted: int
    total_bids: int
    total_spent: MoneyOut
    total_earned: MoneyOut
    last_activity: Timestamp | None
    suspended: bool = Field(description="Suspended now (not banned), by the moderation "
                            "actions in force.")
    suspension_until: Timestamp | None = Field(
        description="When the suspension ends; null when indefinite or not suspended.")
    banned: bool = Field(description="Banned now, by the moderation actions in force.")
    date_joined: Timestamp = Field(description="When the account was created (`created_at`).")
    profile: AdminUserProfile
    stats: AdminUserActivity

    @classmethod
    def of(cls, row: AdminUserRow) -> AdminUser:
        nested = {"date_joined", "profile", "stats"}
        return cls(**{name: getattr(row, name) for name in cls.model_fields
                      if name not in nested},
                   date_joined=row.created_at,
                   profile=AdminUserProfile(avatar=row.profile_image, bio=row.bio),
                   stats=AdminUserActivity(**{name: getattr(row, name) for name in
                                              AdminUserActivity.model_fields}))


class AdminUserPage(PageOf[AdminUser]):
    pass


class UserStatsAnswer(Answer):
    total_users: int
    verified_users: int
    active_users: int
    artists: int
    buyers: int
    admins: int
    staff_users: int
    recent_registrations: int
    suspended_users: int
    banned_users: int


class ChangedUser(Answer):
    id: int
    username: str
    is_verified: bool = None  # type: ignore[assignment]
    is_active: bool = None  # type: ignore[assignment]
    is_staff: bool = None  # type: ignore[assignment]
    staff_role: str | None = None
    updated_at: Timestamp


class UserActionAnswer(Answer):
    message: str
    user: ChangedUser


class ReasonInput(Shape):
    reason: Reason = None


class MakeStaffInput(Shape):
    role: Choice([role.value for role in GRANTABLE],
                 description="The role granted; staff when absent") = None
    reason: Reason = None


class BulkInput(Shape):
    user_ids: list[Id] = Field(description=f"At least one id, at most {BULK_MAX_IDS}",
                               json_schema_extra={"minItems": 1, "maxItems": BULK_MAX_IDS})
    # Checked by the use case, which answers an unknown one with the available actions.
    action: Text(32, description="One of: " + ", ".join(USER_ACTIONS), examples=["verify"],
                 pattern="^(" + "|".join(USER_ACTIONS) + ")$")
    role: Choice([role.value for role in GRANTABLE],
                 description="For make_staff: the role granted; staff when absent") = None
    reason: Reason = None


class BulkAnswer(Answer):
    message: str
    affected_users: int
    unchanged_users: int
    not_found_ids: list[int]
    action: str = Field(json_schema_extra={"enum": list(USER_ACTIONS)})
    processed_at: Timestamp


def _changed(change: UserChange, *fields: str) -> ChangedUser:
    values: dict[str, Any] = {"id": change.id, "username": change.username,
                              "updated_at": change.updated_at}
    values.update({field: getattr(change, field) for field in fields})
    return ChangedUser(**values)


class AdminUserListResource:
    def __init__(self, users: UserAdminService) -> None:
        self._users = users

    @endpoint("Every account, with contact data and activity", TAG,
              permission=Permission.VIEW_USERS, query=AdminUserQuery, response=AdminUserPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: AdminUserQuery
               ) -> AdminUserPage:
        page = self._users.list_users(require_actor(req), query.filters(), query.page_request())
        return AdminUserPage.of(req, page, AdminUser.of)


class AdminUserStatsResource:
    def __init__(self, users: UserAdminService) -> None:
        self._users = users

    @endpoint("Counts of accounts", TAG, permission=Permission.VIEW_USERS,
              response=UserStatsAnswer)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> UserStatsAnswer:
        stats = self._users.stats(require_actor(req))
        return UserStatsAnswer(**{name: getattr(stats, name)
                                  for name in UserStatsAnswer.model_fields})


class _UserActionResource:
    action: UserAction
    fields: tuple[str, ...]

    def __init__(self, users: UserAdminService) -> None:
        self._users = users

    def _answer(self, change: UserChange) -> UserActionAnswer:
        return UserActionAnswer(
            message=f"User {change.username} {PAST_TENSE[self.action]} successfully",
            user=_changed(change, *self.fields))


class VerifyUserResource(_UserActionResource):
    action, fields = UserAction.VERIFY, ("is_verified",)

    @endpoint("Verify an account", TAG, permission=Permission.VERIFY_USERS, body=ReasonInput,
              body_required=False, response=UserActionAnswer, errors=(404,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: ReasonInput) -> UserActionAnswer:
        return self._answer(self._users.verify(require_actor(req), user_id,
                                               reason=body.reason or "", ip=req.context.ip))


class ActivateUserResource(_UserActionResource):
    action, fields = UserAction.ACTIVATE, ("is_active",)

    @endpoint("Activate an account", TAG, permission=Permission.ACTIVATE_USERS,
              body=ReasonInput, body_required=False, response=UserActionAnswer, errors=(404,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: ReasonInput) -> UserActionAnswer:
        return self._answer(self._users.activate(require_actor(req), user_id,
                                                 reason=body.reason or "", ip=req.context.ip))


class DeactivateUserResource(_UserActionResource):
    action, fields = UserAction.DEACTIVATE, ("is_active",)

    @endpoint("Deactivate an account: its tokens stop working at once", TAG,
              permission=Permission.ACTIVATE_USERS, body=ReasonInput, body_required=False,
              response=UserActionAnswer, errors=(404,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: ReasonInput) -> UserActionAnswer:
        return self._answer(self._users.deactivate(require_actor(req), user_id,
                                                   reason=body.reason or "",
                                                   ip=req.context.ip))


class MakeStaffResource(_UserActionResource):
    action, fields = UserAction.MAKE_STAFF, ("is_staff", "staff_role")

    @endpoint("Grant a platform role (staff unless `role` names another)", TAG,
              permission=Permission.GRANT_MODERATOR, body=MakeStaffInput, body_required=False,
              response=UserActionAnswer, errors=(404,),
              description="Only a superuser grants staff or admin; an admin grants only "
                          "content_moderator; nobody changes their own role.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: MakeStaffInput) -> UserActionAnswer:
        change = self._users.make_staff(require_actor(req), user_id, role=body.role,
                                        reason=body.reason or "", ip=req.context.ip)
        return UserActionAnswer(message=f"User {change.username} is now "
                                        f"{(change.staff_role or 'staff').replace('_', ' ')}",
                                user=_changed(change, *self.fields))


class BulkUsersResource:
    def __init__(self, users: UserAdminService) -> None:
        self._users = users

    @endpoint("One action on many accounts, in one transaction", TAG,
              permission=Permission.VIEW_USERS, body=BulkInput, body_types=(falcon.MEDIA_JSON,),
              response=BulkAnswer,
              description=f"At most {BULK_MAX_IDS} distinct ids; more is a 400 that changes "
                          "nothing. Ids that name no account are listed in `not_found_ids`. "
                          "The action's own permission is checked by the use case (403).")
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: BulkInput
                ) -> BulkAnswer:
        result = self._users.bulk(require_actor(req), body.action, list(body.user_ids),
                                  role=body.role, reason=body.reason or "", ip=req.context.ip)
        words = PAST_TENSE[UserAction(result.action)]
        noun = "user" if result.affected == 1 else "users"
        return BulkAnswer(message=f"{result.affected} {noun} {words} successfully",
                          affected_users=result.affected, unchanged_users=result.unchanged,
                          not_found_ids=list(result.not_found_ids), action=result.action,
                          processed_at=result.processed_at)


def add_admin_user_routes(app: falcon.App, users: UserAdminService) -> None:
    app.add_route("/api/admin/users", AdminUserListResource(users))
    app.add_route("/api/admin/users/stats", AdminUserStatsResource(users))
    app.add_route(f"/api/admin/users/{{user_id:{ID}}}/verify", VerifyUserResource(users))
    app.add_route(f"/api/admin/users/{{user_id:{ID}}}/activate", ActivateUserResource(users))
    app.add_route(f"/api/admin/users/{{user_id:{ID}}}/deactivate",
                  DeactivateUserResource(users))
    app.add_route(f"/api/admin/users/{{user_id:{ID}}}/make-staff", MakeStaffResource(users))
    app.add_route("/api/admin/bulk/users", BulkUsersResource(users))
