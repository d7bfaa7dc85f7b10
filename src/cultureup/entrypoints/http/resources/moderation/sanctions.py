"""/api/admin/users/{id}/suspend/, /ban/, /unsuspend/, /unban/ (Permission.SUSPEND_USERS),
answering with the fields the admin-panel document shows."""

from __future__ import annotations

import falcon

from cultureup.application.moderation.sanctions import SanctionService
from cultureup.application.moderation.views import SanctionResult
from cultureup.domain.accounts.roles import Permission
from cultureup.domain.moderation.actions import MAX_SUSPENSION_DAYS, REASON_MAX
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import Integer, Text, Timestamp
from cultureup.entrypoints.http.shapes import UserRef

TAG = "Admin: moderation"
Reason = Text(REASON_MAX, description="Why; the user is told it")
Days = Integer(1, MAX_SUSPENSION_DAYS, nullable=True,
               description="Whole days from now; leave out or null for an indefinite "
               "suspension")


class SuspendInput(Shape):
    reason: Reason
    duration_days: Days = None


class ReasonInput(Shape):
    reason: Reason


class Suspended(Answer):
    id: int
    username: str
    is_active: bool  # whether the account may be used now (false while suspended)
    suspended: bool
    suspension_reason: str
    suspension_until: Timestamp | None
    suspended_by: UserRef
    suspended_at: Timestamp
    action_id: int


class Banned(Answer):
    id: int
    username: str
    is_active: bool
    banned: bool
    ban_reason: str
    banned_by: UserRef
    banned_at: Timestamp
    action_id: int


class Standing(Answer):
    """An account after a suspension or ban was lifted."""

    id: int
    username: str
    is_active: bool
    suspended: bool
    suspension_until: Timestamp | None
    banned: bool
    reason: str
    lifted_by: UserRef
    lifted_at: Timestamp
    action_id: int


def _by(result: SanctionResult) -> UserRef:
    return UserRef(id=result.action.moderator_id, username=result.action.moderator_username)


def _flags(result: SanctionResult) -> tuple[bool, bool, object]:
    restriction = result.restriction
    banned = restriction is not None and restriction.banned
    suspended = restriction is not None and not restriction.banned
    return suspended, banned, restriction.until if suspended and restriction else None


def _action_id(result: SanctionResult) -> int:
    assert result.action.id is not None
    return result.action.id


ERRORS = (400, 403, 404, 409)


class SuspendResource:
    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("Suspend an account, for duration_days or until lifted", TAG,
              permission=Permission.SUSPEND_USERS,
              body=SuspendInput, response=Suspended, errors=ERRORS,
              description="The account's tokens and login answer 403 with the reason and "
              "suspension_until until then; a moderator cannot suspend staff, nobody "
              "themselves. A new suspension replaces the one in force.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: SuspendInput) -> Suspended:
        result = self._sanctions.suspend(require_actor(req), user_id, reason=body.reason,
                                         duration_days=body.duration_days, ip=req.context.ip)
        suspended = _flags(result)[0]
        return Suspended(id=result.user_id, username=result.username,
                         is_active=result.is_active, suspended=suspended,
                         suspension_reason=result.action.reason,
                         suspension_until=result.action.until, suspended_by=_by(result),
                         suspended_at=result.action.created_at, action_id=_action_id(result))


class BanResource:
    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("Ban an account until unbanned", TAG, permission=Permission.SUSPEND_USERS,
              body=ReasonInput,
              response=Banned, errors=ERRORS)
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: ReasonInput) -> Banned:
        result = self._sanctions.ban(require_actor(req), user_id, reason=body.reason,
                                     ip=req.context.ip)
        return Banned(id=result.user_id, username=result.username, is_active=result.is_active,
                      banned=_flags(result)[1], ban_reason=result.action.reason,
                      banned_by=_by(result), banned_at=result.action.created_at,
                      action_id=_action_id(result))


def _standing(result: SanctionResult) -> Standing:
    suspended, banned, until = _flags(result)
    return Standing(id=result.user_id, username=result.username, is_active=result.is_active,
                    suspended=suspended, suspension_until=until, banned=banned,
                    reason=result.action.reason, lifted_by=_by(result),
                    lifted_at=result.action.created_at, action_id=_action_id(result))


class UnsuspendResource:
    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("Lift an account's suspension early", TAG,
              permission=Permission.SUSPEND_USERS, body=ReasonInput,
              response=Standing, errors=ERRORS)
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: ReasonInput) -> Standing:
        return _standing(self._sanctions.unsuspend(require_actor(req), user_id,
                                                   reason=body.reason, ip=req.context.ip))


class UnbanResource:
    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("Lift an account's ban", TAG, permission=Permission.SUSPEND_USERS, body=ReasonInput,
              response=Standing,
              errors=ERRORS)
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int,
                body: ReasonInput) -> Standing:
        return _standing(self._sanctions.unban(require_actor(req), user_id,
                                               reason=body.reason, ip=req.context.ip))
