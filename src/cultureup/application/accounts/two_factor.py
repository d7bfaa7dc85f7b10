"""Two-factor authentication: setup with a QR code, enable, verify at login, disable, backup
codes. Failed codes are counted per account, whichever session they came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

import attrs

from cultureup.application.accounts.throttling import PasswordAttempts
from cultureup.application.accounts.users import INVALID_CREDENTIALS
from cultureup.application.audit import record
from cultureup.application.ports import (
    Clock,
    KeyedDigest,
    OneTimePasswords,
    QrCodeRenderer,
    SecretSealer,
    TokenService,
    UnitOfWork,
    UnitOfWorkFactory,
)
from cultureup.domain.accounts.two_factor import BACKUP_CODE_COUNT, TwoFactorAccount
from cultureup.domain.accounts.users import Actor, User
from cultureup.domain.audit import AuditAction
from cultureup.domain.errors import InvalidState, ValidationFailed

ISSUER = "CultureUp"
T = TypeVar("T")


class SignIn(Protocol):
    """`AccountService.sign_in`: the token once every factor is checked (the restriction of
    a suspended or banned account is applied there)."""

    def __call__(self, uow: UnitOfWork, user: User, *, ip: str | None, action: AuditAction,
                 **details: object) -> str: ...

REPLAYED_MESSAGE = "This code was already used. Wait for the next code in your app."
MISSING_CODE_MESSAGE = ("To disable 2FA, you need: 1) Your password AND 2) TOTP code from "
                        "authenticator app OR backup code")


@attrs.frozen(kw_only=True)
class SetupInfo:
    secret_key: str
    qr_code: str
    message: str
    expires_in_minutes: int


@attrs.frozen(kw_only=True)
class TwoFactorStatus:
    two_factor_enabled: bool
    backup_codes_count: int


@attrs.frozen(kw_only=True)
class VerifiedLogin:
    token: str
    user: User


class InvalidCode(ValidationFailed):
    """The code was wrong, reused or expired; the failure has been recorded."""


def normalize_backup_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


class TwoFactorService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, otp: OneTimePasswords,
                 qr: QrCodeRenderer, sealer: SecretSealer, backup_digest: KeyedDigest,
                 attempts: PasswordAttempts, tokens: TokenService,
                 sign_in: SignIn) -> None:
        self._uow, self._clock, self._otp, self._qr = uow, clock, otp, qr
        self._sealer, self._backup_digest, self._attempts = sealer, backup_digest, attempts
        self._tokens, self._sign_in = tokens, sign_in

    # -- setup -----------------------------------------------------------------------------

    def setup(self, actor: Actor) -> SetupInfo:
        """A secret and its QR code; the same ones for 30 minutes, until enabled or reset."""
        now = self._clock.now()
        with self._uow() as uow:
            account = uow.two_factor.get(actor.id)
            if account.enabled:
                raise InvalidState("Two-factor authentication is already enabled.")
            sealed = account.pending_setup(now)
            if sealed is None:
                account.start_setup(self._sealer.seal(self._otp.new_secret()), now)
                uow.two_factor.save(account)
                uow.commit()
                message = "Scan QR code with your authenticator app"
            else:
                message = "Existing setup session found. Use the same QR code."
            secret = self._sealer.unseal(account.pending_sealed_secret or "")
            minutes = account.setup_minutes_left(now)
        uri = self._otp.provisioning_uri(secret, account_name=actor.username, issuer=ISSUER)
        return SetupInfo(secret_key=secret, qr_code=self._qr.png_data_uri(uri), message=message,
                         expires_in_minutes=minutes)

    def reset_setup(self, actor: Actor) -> None:
        with self._uow() as uow:
            account = uow.two_factor.get(actor.id)
            account.reset_setup(self._clock.now())
            uow.two_factor.save(account)
            uow.commit()

    def enable(self, actor: Actor, *, totp_code: str, ip: str | None = None) -> list[str]:
        """Check a code from the pending secret, turn 2FA on, return the backup codes once."""
        now = self._clock.now()
        codes = self._otp.new_backup_codes(BACKUP_CODE_COUNT)

        def work(uow: UnitOfWork, account: TwoFactorAccount) -> list[str]:
            sealed = account.pending_setup(now)
            if sealed is None:
                raise InvalidState("No setup in progress, or it expired. Call the setup "
                                   "endpoint for a new QR code.")
            step = self._otp.matching_step(self._sealer.unseal(sealed), totp_code, now=now)
            if step is None:
                self._fail(uow, account, actor.id, actor.username, ip, "totp_code",
                           "Invalid TOTP code. Check your authenticator app.")
            assert step is not None
            account.enable(step=step, backup_digests=self._digests(codes), now=now)
            record(uow, now=now, action=AuditAction.TWO_FACTOR_ENABLED, actor_id=actor.id,
                   actor_username=actor.username, target_type="user", target_id=actor.id,
                   ip_address=ip)
            return codes

        return self._with_account(actor.id, work)

    # -- use -------------------------------------------------------------------------------

    def verify_login(self, *, session_token: str, totp_code: str | None,
                     backup_code: str | None, ip: str | None = None) -> VerifiedLogin:
        """Finish a login that answered requires_2fa: one code (TOTP or backup), then a
        token. A suspended or banned account gets AccountRestricted (403) carrying a token
        that serves only the routes open to it, as a login without 2FA does (see
        `AccountService.sign_in`); the code and the session are spent either way. A wrong
        code raises InvalidCode and gives no token of any kind."""
        now = self._clock.now()
        if not (totp_code or backup_code):
            raise ValidationFailed({"totp_code": ["Provide totp_code or backup_code."]},
                                   "Provide totp_code or backup_code.")
        with self._uow() as uow:
            challenge = uow.challenges.find(self._tokens.digest(session_token))
            if challenge is None or not challenge.is_usable(now):
                raise ValidationFailed({"session_token": ["Invalid or expired session."]},
                                       "Invalid or expired 2FA session. Log in again.")
            user = uow.users.get(challenge.user_id)
            account = uow.two_factor.get(user.id or 0)
            account.ensure_not_locked(now)
            if not account.enabled:
                raise ValidationFailed({"session_token": ["Invalid or expired session."]},
                                       "Invalid or expired 2FA session. Log in again.")
            if not user.is_active:
                # Deactivated between the two steps: the password step's answer to a
                # deactivated account (docs/decisions.md, "Login"), whatever the code; the
                # session is spent.
                record(uow, now=now, action=AuditAction.LOGIN_FAILED, actor_id=user.id,
                       actor_username=user.username, target_type="user", target_id=user.id,
                       ip_address=ip, account_inactive=True, second_factor=True)
                challenge.consume(now)
                uow.challenges.save(challenge)
                uow.commit()
                raise ValidationFailed({"non_field_errors": [INVALID_CREDENTIALS]})
            method = self._check(uow, account, user.id or 0, user.username, ip,
                                 totp_code=totp_code, backup_code=backup_code)
            challenge.consume(now)
            uow.challenges.save(challenge)
            token = self._sign_in(uow, user, ip=ip, action=AuditAction.TWO_FACTOR_VERIFIED,
                                  method=method)
            uow.commit()
        return VerifiedLogin(token=token, user=user)

    def disable(self, actor: Actor, *, password: str | None, totp_code: str | None,
                backup_code: str | None, ip: str | None = None) -> None:
        """Turn 2FA off; needs the password AND a code, so a stolen token is not enough."""
        details: dict[str, list[str]] = {}
        if not password:
            details["password"] = ["This field is required."]
        if not (totp_code or backup_code):
            details["totp_code"] = ["Please provide TOTP code from your authenticator app"]
            details["backup_code"] = ["Or provide a backup code instead"]
        if details:
            raise ValidationFailed(details, MISSING_CODE_MESSAGE)
        now = self._clock.now()

        def work(uow: UnitOfWork, account: TwoFactorAccount) -> None:
            if not account.enabled:
                raise InvalidState("Two-factor authentication is not enabled.")
            self._attempts.confirm(uow, actor, uow.users.get(actor.id), password or "",
                                   purpose="2fa_disable", field="password", ip=ip)
            self._check(uow, account, actor.id, actor.username, ip, totp_code=totp_code,
                        backup_code=backup_code)
            account.disable(now)
            record(uow, now=now, action=AuditAction.TWO_FACTOR_DISABLED, actor_id=actor.id,
                   actor_username=actor.username, target_type="user", target_id=actor.id,
                   ip_address=ip)

        self._with_account(actor.id, work)

    def regenerate_backup_codes(self, actor: Actor, *, password: str | None,
                                totp_code: str | None, ip: str | None = None) -> list[str]:
        """New backup codes (the old ones stop working), after a fresh password or code."""
        if not (password or totp_code):
            raise ValidationFailed(
                {"password": ["Confirm with your password or a TOTP code."]},
                "Confirm with your password or a current TOTP code.")
        now = self._clock.now()
        codes = self._otp.new_backup_codes(BACKUP_CODE_COUNT)

        def work(uow: UnitOfWork, account: TwoFactorAccount) -> list[str]:
            if not account.enabled:
                raise InvalidState("Two-factor authentication is not enabled.")
            if totp_code:
                self._check(uow, account, actor.id, actor.username, ip, totp_code=totp_code,
                            backup_code=None)
            else:
                self._attempts.confirm(uow, actor, uow.users.get(actor.id), password or "",
                                       purpose="backup_codes", field="password", ip=ip)
            account.replace_backup_codes(self._digests(codes), now)
            record(uow, now=now, action=AuditAction.BACKUP_CODES_REGENERATED,
                   actor_id=actor.id, actor_username=actor.username, target_type="user",
                   target_id=actor.id, ip_address=ip)
            return codes

        return self._with_account(actor.id, work)

    def status(self, actor: Actor) -> TwoFactorStatus:
        with self._uow() as uow:
            account = uow.two_factor.get(actor.id)
            return TwoFactorStatus(two_factor_enabled=account.enabled,
                                   backup_codes_count=account.backup_codes_left
                                   if account.enabled else 0)

    # -- helpers ---------------------------------------------------------------------------

    def _with_account(self, user_id: int,
                      work: Callable[[UnitOfWork, TwoFactorAccount], T]) -> T:
        now = self._clock.now()
        with self._uow() as uow:
            account = uow.two_factor.get(user_id)
            account.ensure_not_locked(now)
            result = work(uow, account)
            uow.two_factor.save(account)
            uow.commit()
            return result

    def _check(self, uow: UnitOfWork, account: TwoFactorAccount, user_id: int, username: str,
               ip: str | None, *, totp_code: str | None, backup_code: str | None) -> str:
        """Accept one code or record the failure (committed) and raise InvalidCode."""
        now = self._clock.now()
        if totp_code:
            secret = self._sealer.unseal(account.sealed_secret or "")
            step = self._otp.matching_step(secret, totp_code, now=now)
            if step is not None and account.accept_step(step, now):
                uow.two_factor.save(account)
                return "totp"
            if step is not None:
                self._replayed(uow, user_id, username, ip)
            self._fail(uow, account, user_id, username, ip, "totp_code",
                       "Invalid TOTP code. Check your authenticator app.",
                       error="Invalid TOTP code")
        digest = self._backup_digest.digest(normalize_backup_code(backup_code or ""))
        if account.use_backup_code(digest, now):
            uow.two_factor.save(account)
            return "backup_code"
        self._fail(uow, account, user_id, username, ip, "backup_code",
                   "Invalid or already used backup code.", error="Invalid backup code")
        raise AssertionError("unreachable")

    def _replayed(self, uow: UnitOfWork, user_id: int, username: str,
                  ip: str | None) -> None:
        """A right code for a step already used (a double submit, or someone who saw the
        code): refused and audited, but not counted towards the lock, so that replaying a
        seen code cannot lock the real user out."""
        record(uow, now=self._clock.now(), action=AuditAction.TWO_FACTOR_REPLAYED,
               actor_id=user_id, actor_username=username, target_type="user",
               target_id=user_id, ip_address=ip)
        uow.commit()
        raise InvalidCode({"totp_code": [REPLAYED_MESSAGE]}, REPLAYED_MESSAGE)

    def _fail(self, uow: UnitOfWork, account: TwoFactorAccount, user_id: int, username: str,
              ip: str | None, field: str, message: str, *, error: str | None = None) -> None:
        now = self._clock.now()
        locked = account.record_failure(now)
        uow.two_factor.save(account)
        record(uow, now=now, action=AuditAction.TWO_FACTOR_FAILED, actor_id=user_id,
               actor_username=username, target_type="user", target_id=user_id, ip_address=ip,
               field=field, failed_attempts=account.failed_attempts)
        if locked:
            record(uow, now=now, action=AuditAction.TWO_FACTOR_LOCKED, actor_id=user_id,
                   actor_username=username, target_type="user", target_id=user_id,
                   ip_address=ip, locked_until=account.locked_until)
        # The failure must count even though the request fails.
        uow.commit()
        raise InvalidCode({field: [message]}, error or message)

    def _digests(self, codes: list[str]) -> list[str]:
        return [self._backup_digest.digest(normalize_backup_code(code)) for code in codes]
