"""/api/auth/2fa/: setup, enable, verify at login, disable, status, backup codes."""

from __future__ import annotations

import falcon
from pydantic import Field

from cultureup.application.accounts.two_factor import TwoFactorService
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import Text
from cultureup.entrypoints.http.resources.accounts.users import LoginResult, LoginUser
from cultureup.entrypoints.http.shapes import Message

TAG = "Two-factor authentication"
# Six ASCII digits (spaces allowed): fullwidth or other scripts' digits are refused.
TotpCode = Text(32, pattern=r"^ *[0-9]{3} *[0-9]{3} *$",
                pattern_message="Enter the 6 digits of the code.",
                description="The 6-digit code of the authenticator app", examples=["123456"])
BackupCode = Text(32, description="A backup code; case and one hyphen do not matter")
Password = Text(4096)
SessionToken = Text(256, description="From the login answer; valid 10 minutes, once")


class TwoFactorSetup(Answer):
    secret_key: str = Field(description="Base32 TOTP secret")
    qr_code: str = Field(description="data:image/png;base64 QR code of the otpauth URI")
    message: str
    expires_in_minutes: int


class TwoFactorCode(Shape):
    totp_code: TotpCode


class TwoFactorVerify(Shape):
    session_token: SessionToken
    totp_code: TotpCode = None
    backup_code: BackupCode = None


class TwoFactorDisable(Shape):
    password: Password = None
    totp_code: TotpCode = None
    backup_code: BackupCode = None


class TwoFactorReauth(Shape):
    password: Password = None
    totp_code: TotpCode = None


class TwoFactorStatus(Answer):
    two_factor_enabled: bool
    backup_codes_count: int


class BackupCodes(Answer):
    message: str
    backup_codes: list[str] = Field(min_length=10, max_length=10)


class SetupResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    @endpoint("Start (or resume, for 30 minutes) 2FA setup", TAG, auth=True,
              response=TwoFactorSetup, errors=(409,))
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> TwoFactorSetup:
        info = self._two_factor.setup(require_actor(req))
        return TwoFactorSetup(secret_key=info.secret_key, qr_code=info.qr_code,
                              message=info.message,
                              expires_in_minutes=info.expires_in_minutes)


class ResetSetupResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    @endpoint("Discard the pending 2FA setup", TAG, auth=True, response=Message)
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> Message:
        self._two_factor.reset_setup(require_actor(req))
        return Message(message="2FA setup reset. Call /api/auth/2fa/setup/ for a new QR code.")


class EnableResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    @endpoint("Enable 2FA with a code from the pending secret", TAG, auth=True,
              body=TwoFactorCode, response=BackupCodes, errors=(409,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: TwoFactorCode
                ) -> BackupCodes:
        codes = self._two_factor.enable(require_actor(req), totp_code=body.totp_code,
                                        ip=req.context.ip)
        return BackupCodes(message="2FA enabled successfully", backup_codes=codes)


class VerifyResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    @endpoint("Finish a 2FA login with a TOTP or backup code", TAG, body=TwoFactorVerify,
              response=LoginResult, errors=(403,),
              description="After a right code, a suspended or banned account gets a 403 with "
                          "`reason`, `suspended`, `banned`, `suspension_until` and a `token` "
                          "that serves only its moderation actions, their appeal and logout.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: TwoFactorVerify
                ) -> LoginResult:
        result = self._two_factor.verify_login(
            session_token=body.session_token, totp_code=body.totp_code,
            backup_code=body.backup_code, ip=req.context.ip)
        return LoginResult(user=LoginUser.of(result.user), token=result.token,
                           message="Login successful")


class DisableResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    @endpoint("Disable 2FA (password and a TOTP or backup code)", TAG, auth=True,
              body=TwoFactorDisable, body_required=False, response=Message, errors=(409,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: TwoFactorDisable
                ) -> Message:
        self._two_factor.disable(require_actor(req), password=body.password,
                                 totp_code=body.totp_code, backup_code=body.backup_code,
                                 ip=req.context.ip)
        return Message(message="2FA disabled successfully")


class StatusResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    @endpoint("Whether 2FA is on and how many backup codes are left", TAG, auth=True,
              response=TwoFactorStatus)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> TwoFactorStatus:
        status = self._two_factor.status(require_actor(req))
        return TwoFactorStatus(two_factor_enabled=status.two_factor_enabled,
                               backup_codes_count=status.backup_codes_count)


class BackupCodesResource:
    def __init__(self, two_factor: TwoFactorService) -> None:
        self._two_factor = two_factor

    @endpoint("Replace the backup codes (confirm with password or TOTP code)", TAG, auth=True,
              body=TwoFactorReauth, body_required=False, response=BackupCodes, errors=(409,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: TwoFactorReauth
                ) -> BackupCodes:
        codes = self._two_factor.regenerate_backup_codes(
            require_actor(req), password=body.password, totp_code=body.totp_code,
            ip=req.context.ip)
        return BackupCodes(backup_codes=codes, message="Backup codes regenerated successfully")
