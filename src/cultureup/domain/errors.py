"""One small hierarchy of domain errors; the HTTP layer maps each class to one status code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base of every error the marketplace rules raise on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it does."""


class NotAuthenticated(DomainError):
    """The caller must identify themselves first."""


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""


class InvalidState(DomainError):
    """The action conflicts with the current state (a hired job, a withdrawn bid...)."""


class ConcurrentUpdate(InvalidState):
    """Someone else changed the same aggregate first; the caller may retry."""


class ValidationFailed(DomainError):
    """Input breaks a rule; `details` maps each field to its messages."""

    def __init__(self, details: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        self.details = {field: list(messages) for field, messages in details.items()}
        super().__init__(message or _summary(self.details))


def _summary(details: Mapping[str, list[str]]) -> str:
    if len(details) == 1:
        field, messages = next(iter(details.items()))
        first = messages[0] if messages else "is invalid"
        return first if field == "non_field_errors" else f"{field}: {first}"
    return "Some fields are invalid: " + ", ".join(sorted(details)) + "."


class FieldErrors:
    """Collects per-field messages so one request reports every problem at once."""

    def __init__(self) -> None:
        self._details: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self._details.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self._details)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self._details)

    def check_text(self, field: str, value: str, *, max_length: int,
                   required: bool = True) -> None:
        """The usual rules for a text field: not blank when required, and not too long."""
        if required and not value.strip():
            self.add(field, "This field may not be blank.")
        elif len(value) > max_length:
            self.add(field, f"Ensure this field has no more than {max_length} characters.")

    def raise_if_any(self) -> None:
        if self._details:
            raise ValidationFailed(self._details)


class RateLimited(DomainError):
    """Too many attempts; the caller may try again after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class ServiceUnavailable(DomainError):
    """A service the action depends on (a payment gateway) could not be reached; retry."""


class InvalidAction(ValidationFailed):
    """An action name that is not one of `available_actions` (a bulk request)."""

    def __init__(self, available_actions: Sequence[str]) -> None:
        self.available_actions = list(available_actions)
        super().__init__({"action": ["Choose one of: " + ", ".join(available_actions) + "."]},
                         "Invalid action specified")
