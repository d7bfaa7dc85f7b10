"""users by type, in each ordering of the admin users list

Revision ID: 0021
Revises: 0020

The daily analytics count the artists and the buyers that joined before a day's end, and the
admin users list shows one user type in one of its orderings (created_at, username,
last_login). An index on (user_type, <ordering>, id) per ordering serves both: the counts are
a range of the created_at one, read from the index alone, and a page is read in index order
with no sort. They replace the index on user_type alone, their common prefix.
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


ORDERINGS = ("created_at", "username", "last_login")


def upgrade() -> None:
    for column in ORDERINGS:
        op.create_index(f"ix_users_user_type_{column}", "users", ["user_type", column, "id"])
    op.drop_index("ix_users_user_type", table_name="users")


def downgrade() -> None:
    op.create_index("ix_users_user_type", "users", ["user_type"])
    for column in ORDERINGS:
        op.drop_index(f"ix_users_user_type_{column}", table_name="users")
