"""indexes of the admin users list and of the audit log by target

Revision ID: 0019
Revises: 0018

The admin users list orders by created_at, username or last_login (the id breaks ties); each
ordering walks its own index. The admin audit log filters by target (type and id), newest first.
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ORDERINGS = ("created_at", "username", "last_login")


def upgrade() -> None:
    for column in ORDERINGS:
        op.create_index(f"ix_users_{column}", "users", [column, "id"])
    op.create_index("ix_audit_log_target", "audit_log",
                    ["target_type", "target_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_target", table_name="audit_log")
    for column in ORDERINGS:
        op.drop_index(f"ix_users_{column}", table_name="users")
