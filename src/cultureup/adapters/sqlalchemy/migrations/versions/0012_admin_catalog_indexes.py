"""indexes of the staff artwork list: the moderation queue and the duplicate score

Revision ID: 0012
Revises: 0011

The admin artwork list filters by moderation status (the PENDING queue, newest first) and
orders by the duplicate check's score; each gets an index ending in the id that breaks ties.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_artworks_moderation_status_created_at", "artworks",
                    ["moderation_status", "created_at", "id"])
    op.create_index("ix_artworks_similarity_score", "artworks", ["similarity_score", "id"])


def downgrade() -> None:
    op.drop_index("ix_artworks_similarity_score", table_name="artworks")
    op.drop_index("ix_artworks_moderation_status_created_at", table_name="artworks")
