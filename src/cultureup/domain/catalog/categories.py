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

    def set_active(self, active: bool, *, now: datetime) -> bool:
        """Activate or deactivate; returns whether it changed. An inactive category takes no
        new jobs or artworks (their terms name `category_id`); existing ones stay as they are
        and stay visible."""
        if self.is_active == active:
            return False
        self.is_active, self.updated_at = active, now
        return True

    def ensure_usable(self) -> None:
        if not self.is_active:
            raise InvalidState(f'Category "{self.name}" is not active.')
