"""Categories that jobs and artworks are filed under."""

from __future__ import annotations

from datetime import datetime

import attrs

from cultureup.domain.errors import FieldErrors, InvalidState


@attrs.define(eq=False, kw_only=True)
class Category:
    id: int | None = None
    name: str
    description: str = ""
    is_active: bool = True
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, *, name: str, description: str = "", is_active: bool = True,
               now: datetime) -> Category:
        errors = FieldErrors()
        errors.check_text("name", name, max_length=100)
        errors.check_text("description", description, max_length=1000, required=False)
        errors.raise_if_any()
        return cls(name=name.strip(), description=description.strip(), is_active=is_active,
                   created_at=now, updated_at=now)

    def ensure_usable(self) -> None:
        if not self.is_active:
            raise InvalidState(f'Category "{self.name}" is not active.')
