"""/api/auth/: register, login, logout and the caller's profile."""

from __future__ import annotations

import falcon

from cultureup.application.accounts import AccountService, ProfileChanges, Registration
from cultureup.entrypoints.http import serializers
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.input import Fields, json_object, optional


class RegisterResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        fields = Fields(json_object(req))
        registration = Registration(
            username=fields.string("username", max_length=150),
            email=fields.string("email", max_length=254),
            password=fields.string("password", max_length=4096),
            password_confirm=fields.string("password_confirm", max_length=4096),
            user_type=fields.choice("user_type", ("artist", "buyer")),
            first_name=fields.string("first_name", max_length=150),
            last_name=fields.string("last_name", max_length=150),
            phone_number=optional(fields.string("phone_number", required=False,
                                                allow_blank=True, max_length=32)) or "",
        )
        fields.check()
        resp.status = falcon.HTTP_201
        resp.media = serializers.user(self._accounts.register(registration,
                                                              ip=req.context.ip))


class LoginResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        fields = Fields(json_object(req))
        username = fields.string("username", max_length=254)
        password = fields.string("password", max_length=4096)
        fields.check()
        result = self._accounts.login(username=username, password=password, ip=req.context.ip)
        if result.requires_2fa:
            resp.media = {"requires_2fa": True, "session_token": result.session_token,
                          "message": "Please provide 2FA code"}
            return
        resp.media = {"token": result.token, "user": serializers.login_user(result.user),
                      "message": "Login successful"}


class LogoutResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        self._accounts.logout(req.context.token, actor=actor, ip=req.context.ip)
        resp.media = {"message": "Successfully logged out"}


class ProfileResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = serializers.user(self._accounts.get_profile(require_actor(req)))

    def on_put(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._update(req, resp, partial=False)

    def on_patch(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._update(req, resp, partial=True)

    def _update(self, req: falcon.Request, resp: falcon.Response, *, partial: bool) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        changes = ProfileChanges(
            first_name=optional(fields.string("first_name", required=not partial,
                                              max_length=150)),
            last_name=optional(fields.string("last_name", required=not partial,
                                             max_length=150)),
            email=optional(fields.string("email", required=not partial, max_length=254)),
            phone_number=optional(fields.string("phone_number", required=False,
                                                allow_blank=True, max_length=32)),
        )
        fields.check()
        resp.media = serializers.user(self._accounts.update_profile(actor, changes))


class PasswordResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        current = fields.string("current_password", max_length=4096)
        new = fields.string("new_password", max_length=4096)
        confirm = fields.string("new_password_confirm", max_length=4096)
        fields.check()
        token = self._accounts.change_password(actor, current_password=current,
                                               new_password=new, new_password_confirm=confirm,
                                               ip=req.context.ip)
        resp.media = {"message": "Password changed successfully. Other sessions were logged "
                                 "out.", "token": token}
