"""/api/auth/2fa/: setup, enable, verify at login, disable, status, backup codes."""

from __future__ import annotations

import falcon

from cultureup.application.two_factor import TwoFactorService
from cultureup.entrypoints.http import serializers
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.input import Fields, json_object, optional

CODE_MAX = 32


def _optional_body(req: falcon.Request) -> Fields:
    """Endpoints whose fields are all optional accept an empty body."""
    if not req.content_length:
        return Fields({})
    return Fields(json_object(req))


class SetupResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        info = self._two_factor.setup(require_actor(req))
        resp.media = {"secret_key": info.secret_key, "qr_code": info.qr_code,
                      "message": info.message, "expires_in_minutes": info.expires_in_minutes}


class ResetSetupResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._two_factor.reset_setup(require_actor(req))
        resp.media = {"message": "2FA setup reset. Call /api/auth/2fa/setup/ for a new QR code."}


class EnableResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        code = fields.string("totp_code", max_length=CODE_MAX)
        fields.check()
        codes = self._two_factor.enable(actor, totp_code=code, ip=req.context.ip)
        resp.media = {"message": "2FA enabled successfully", "backup_codes": codes}


class VerifyResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        fields = Fields(json_object(req))
        session_token = fields.string("session_token", max_length=256)
        totp_code = optional(fields.string("totp_code", required=False, max_length=CODE_MAX))
        backup_code = optional(fields.string("backup_code", required=False,
                                             max_length=CODE_MAX))
        fields.check()
        result = self._two_factor.verify_login(session_token=session_token, totp_code=totp_code,
                                               backup_code=backup_code, ip=req.context.ip)
        resp.media = {"user": serializers.login_user(result.user), "token": result.token,
                      "message": "Login successful"}


class DisableResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = _optional_body(req)
        password = optional(fields.string("password", required=False, max_length=4096))
        totp_code = optional(fields.string("totp_code", required=False, max_length=CODE_MAX))
        backup_code = optional(fields.string("backup_code", required=False,
                                             max_length=CODE_MAX))
        fields.check()
        self._two_factor.disable(actor, password=password, totp_code=totp_code,
                                 backup_code=backup_code, ip=req.context.ip)
        resp.media = {"message": "2FA disabled successfully"}


class StatusResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        status = self._two_factor.status(require_actor(req))
        resp.media = {"two_factor_enabled": status.two_factor_enabled,
                      "backup_codes_count": status.backup_codes_count}


class BackupCodesResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = _optional_body(req)
        password = optional(fields.string("password", required=False, max_length=4096))
        totp_code = optional(fields.string("totp_code", required=False, max_length=CODE_MAX))
        fields.check()
        codes = self._two_factor.regenerate_backup_codes(
            actor, password=password, totp_code=totp_code, ip=req.context.ip)
        resp.media = {"backup_codes": codes, "message": "Backup codes regenerated successfully"}
