"""/api/moderation/actions/ (the caller's own, open to a suspended or banned account, as is
appealing one) and /api/admin/appeals/ (Permission.HANDLE_REPORTS). An appeal is known by the
id of the action it appeals."""

from __future__ import annotations

import falcon
from pydantic import Field

from cultureup.application.moderation.sanctions import SanctionService
from cultureup.application.moderation.views import ActionView
from cultureup.domain.accounts.roles import Permission
from cultureup.domain.moderation.actions import (
    REASON_MAX,
    ActionKind,
    AppealStatus,
    Decision,
)
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import Choice, Text, Timestamp
from cultureup.entrypoints.http.shapes import PageOf, Pagination, UserRef

TAG, ADMIN_TAG = "Moderation", "Admin: moderation"
Reason = Text(REASON_MAX)
KINDS = [kind.value for kind in ActionKind]
APPEAL_STATUSES = [status.value for status in AppealStatus]


class Appeal(Answer):
    status: str = Field(json_schema_extra={"enum": APPEAL_STATUSES})
    reason: str
    appealed_at: Timestamp
    decided_by: UserRef | None
    decision_reason: str | None
    decided_at: Timestamp | None


class ModerationAction(Answer):
    id: int
    action: str = Field(json_schema_extra={"enum": KINDS})
    user: UserRef
    moderator: UserRef
    reason: str
    target_type: str
    target_id: int
    duration_days: int | None
    until: Timestamp | None
    report_id: int | None
    created_at: Timestamp
    reversed_at: Timestamp | None
    appeal: Appeal | None

    @classmethod
    def of(cls, view: ActionView) -> ModerationAction:
        action = view.action
        assert action.id is not None
        appeal = None
        if action.appealed_at is not None:
            decider = view.decided_by
            appeal = Appeal(
                status=action.appeal_status.value if action.appeal_status else "pending",
                reason=action.appeal_reason or "", appealed_at=action.appealed_at,
                decided_by=UserRef(id=decider.id, username=decider.username)
                if decider else None,
                decision_reason=action.appeal_decision_reason,
                decided_at=action.appeal_decided_at)
        return cls(id=action.id, action=action.kind.value,
                   user=UserRef(id=view.user.id, username=view.user.username),
                   moderator=UserRef(id=action.moderator_id,
                                     username=action.moderator_username),
                   reason=action.reason, target_type=action.target_type,
                   target_id=action.target_id, duration_days=action.duration_days,
                   until=action.until, report_id=action.report_id,
                   created_at=action.created_at, reversed_at=action.reversed_at,
                   appeal=appeal)


class ActionPage(PageOf[ModerationAction]):
    pass


class AppealInput(Shape):
    reason: Reason


class AppealQuery(Pagination):
    status: Choice(APPEAL_STATUSES) = None


class DecisionInput(Shape):
    decision: Choice([d.value for d in Decision])
    reason: Reason


class MyActionsResource:
    open_to_restricted = True

    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("The moderation actions taken on the caller's account", TAG, auth=True,
              query=Pagination, response=ActionPage,
              description="Readable while the account is suspended or banned.")
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: Pagination
               ) -> ActionPage:
        page = self._sanctions.my_actions(require_actor(req), query.page_request())
        return ActionPage.of(req, page, ModerationAction.of)


class AppealResource:
    open_to_restricted = True

    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("Appeal a moderation action on one's own account, once, within 20 days", TAG,
              auth=True, body=AppealInput, response=ModerationAction, status=201,
              errors=(404, 409),
              description="A moderator other than the one who acted decides it. Allowed "
              "while the account is suspended or banned.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, action_id: int,
                body: AppealInput) -> ModerationAction:
        return ModerationAction.of(self._sanctions.appeal(
            require_actor(req), action_id, reason=body.reason, ip=req.context.ip))


class AdminAppealListResource:
    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("Appeals against moderation actions, oldest first", ADMIN_TAG,
              permission=Permission.HANDLE_REPORTS,
              query=AppealQuery, response=ActionPage, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: AppealQuery
               ) -> ActionPage:
        page = self._sanctions.list_appeals(require_actor(req), query.status,
                                            query.page_request())
        return ActionPage.of(req, page, ModerationAction.of)


class AdminAppealDecisionResource:
    def __init__(self, sanctions: SanctionService) -> None:
        self._sanctions = sanctions

    @endpoint("Decide an appeal (by a moderator other than the one who acted)", ADMIN_TAG,
              permission=Permission.HANDLE_REPORTS, body=DecisionInput, response=ModerationAction,
              errors=(403, 404, 409),
              description="approve reverses the action: lifts the suspension or ban, or "
              "restores the removed content. The user is told the decision and reason.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, action_id: int,
                body: DecisionInput) -> ModerationAction:
        return ModerationAction.of(self._sanctions.decide_appeal(
            require_actor(req), action_id, decision=body.decision, reason=body.reason,
            ip=req.context.ip))
