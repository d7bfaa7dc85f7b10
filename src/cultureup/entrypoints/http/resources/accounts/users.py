"""/api/auth/: register, login, logout and the caller's profile."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.accounts.users import AccountService, ProfileChanges, Registration
from cultureup.domain.accounts.users import EMAIL_PATTERN
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import Choice, Text
from cultureup.entrypoints.http.shapes import Message, User

TAG = "Authentication"
Name = Text(150)
# Both patterns are the domain's rules, shown in the schema; the use case checks them.
Email = Text(254, pattern=rf"^\s*{EMAIL_PATTERN.pattern}\s*$",
             description="An e-mail address", examples=["ann@example.com"])
Password = Text(4096)
Phone = Text(32, blank=True, pattern=r"^\s*((\+ *)?([0-9] *){6,14}[0-9])?\s*$",
             description="7 to 15 digits after an optional +; spaces are ignored",
             examples=["+923001234567"])
Username = Text(150, examples=["ayesha_k"])
NewPassword = Text(4096, description="At least 8 characters, not common or all digits")
UserType = Choice(("artist", "buyer"))
LoginName = Text(254, description="Username or e-mail")


class RegistrationInput(Shape):
    username: Username
    email: Email
    password: NewPassword
    password_confirm: Password
    user_type: UserType
    first_name: Name
    last_name: Name
    phone_number: Phone = ""


class Credentials(Shape):
    username: LoginName
    password: Password


class LoginUser(Answer):
    id: int
    username: str
    email: str
    user_type: str
    first_name: str
    last_name: str

    @classmethod
    def of(cls, user: Any) -> LoginUser:
        return cls(id=user.id, username=user.username, email=user.email,
                   user_type=user.user_type.value, first_name=user.first_name,
                   last_name=user.last_name)


class LoginResult(Answer):
    token: str
    user: LoginUser
    message: str


class LoginChallenge(Answer):
    requires_2fa: bool = Field(json_schema_extra={"const": True})
    session_token: str = Field(description="Valid 10 minutes, once")
    message: str


class ProfileReplace(Shape):
    first_name: Name
    last_name: Name
    email: Email
    phone_number: Phone = None


class ProfileUpdate(Shape):
    first_name: Name = None
    last_name: Name = None
    email: Email = None
    phone_number: Phone = None


class PasswordChange(Shape):
    current_password: Password
    new_password: Password
    new_password_confirm: Password


class PasswordChanged(Answer):
    message: str
    token: str


class RegisterResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    @endpoint("Register an artist or buyer", TAG, body=RegistrationInput, response=User,
              status=201)
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: RegistrationInput
                ) -> User:
        registration = Registration(**body.model_dump())
        return User.of(self._accounts.register(registration, ip=req.context.ip))


class LoginResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    @endpoint("Log in: a token, or a 2FA session when the account has 2FA", TAG, body=Credentials,
              response=LoginResult | LoginChallenge, errors=(403,),
              description="A suspended or banned account without 2FA gets a 403 with `reason`, "
                          "`suspended`, `banned`, `suspension_until` and a `token` that serves "
                          "only its moderation actions, their appeal and logout; with 2FA it "
                          "gets the 2FA session, and that answer comes from the 2FA step.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: Credentials
                ) -> LoginResult | LoginChallenge:
        result = self._accounts.login(username=body.username, password=body.password,
                                      ip=req.context.ip)
        if result.requires_2fa:
            return LoginChallenge(requires_2fa=True, session_token=result.session_token,
                                  message="Please provide 2FA code")
        return LoginResult(token=result.token, user=LoginUser.of(result.user),
                           message="Login successful")


class LogoutResource:
    open_to_restricted = True  # a suspended or banned account may still sign out

    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    @endpoint("Revoke the token of this request", TAG, auth=True, response=Message)
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> Message:
        self._accounts.logout(req.context.token, actor=require_actor(req), ip=req.context.ip)
        return Message(message="Successfully logged out")


class ProfileResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    @endpoint("The caller's profile", TAG, auth=True, response=User)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> User:
        return User.of(self._accounts.get_profile(require_actor(req)))

    @endpoint("Replace the caller's profile fields", TAG, auth=True, body=ProfileReplace,
              response=User)
    def on_put(self, req: falcon.Request, resp: falcon.Response, body: ProfileReplace
               ) -> User:
        return self._update(req, body)

    @endpoint("Change some of the caller's profile fields", TAG, auth=True,
              body=ProfileUpdate, response=User)
    def on_patch(self, req: falcon.Request, resp: falcon.Response, body: ProfileUpdate
                 ) -> User:
        return self._update(req, body)

    def _update(self, req: falcon.Request, body: Shape) -> User:
        changes = ProfileChanges(**body.sent())
        return User.of(self._accounts.update_profile(require_actor(req), changes))


class PasswordResource:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    @endpoint("Change the password (revokes every token, returns a new one)", TAG, auth=True,
              body=PasswordChange, response=PasswordChanged)
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: PasswordChange
                ) -> PasswordChanged:
        token = self._accounts.change_password(
            require_actor(req), current_password=body.current_password,
            new_password=body.new_password, new_password_confirm=body.new_password_confirm,
            ip=req.context.ip)
        return PasswordChanged(message="Password changed successfully. Other sessions were "
                                       "logged out.", token=token)
