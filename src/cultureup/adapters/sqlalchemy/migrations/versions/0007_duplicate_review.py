"""duplicate review: when each artwork's image was uploaded, and the candidate of a held upload

Revision ID: 0007
Revises: 0006

- `artworks.image_uploaded_at`: when the current image was uploaded (the upload, or the last
  image replacement). The original of a picture is its earliest upload; an artwork's
  `created_at` is not that once its image was replaced. Existing rows take `created_at`.
- `artworks.duplicate_candidate_id` / `duplicate_candidate_score`: an upload whose duplicate
  score falls in the grey band is held for moderation with the artwork it resembles and the
  score, for staff to decide. No foreign key: the candidate may be deleted later, and the
  score stays a record of what the check saw.

Columns are only added (ALTER TABLE ... ADD COLUMN), never rebuilt, so SQLite keeps the
search triggers of 0005.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cultureup.adapters.sqlalchemy.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("artworks", sa.Column("image_uploaded_at", UTCDateTime(), nullable=True))
    op.add_column("artworks", sa.Column("duplicate_candidate_id", sa.Integer(), nullable=True))
    op.add_column("artworks", sa.Column("duplicate_candidate_score", sa.Float(), nullable=True))
    op.execute("UPDATE artworks SET image_uploaded_at = created_at")


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35+), no rebuild.
    op.drop_column("artworks", "duplicate_candidate_score")
    op.drop_column("artworks", "duplicate_candidate_id")
    op.drop_column("artworks", "image_uploaded_at")
