"""Alembic environment: runs against the connection handed over by cultureup's migrator."""

from __future__ import annotations

from alembic import context

import cultureup.adapters.sqlalchemy.admin.tables
import cultureup.adapters.sqlalchemy.catalog.artwork_tables
import cultureup.adapters.sqlalchemy.catalog.tables
import cultureup.adapters.sqlalchemy.collaboration.tables
import cultureup.adapters.sqlalchemy.commerce.tables
import cultureup.adapters.sqlalchemy.moderation.tables
import cultureup.adapters.sqlalchemy.moderation.verification_tables  # noqa: F401  (their tables join metadata)
from cultureup.adapters.sqlalchemy.catalog.search_tables import include_in_autogenerate
from cultureup.adapters.sqlalchemy.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_in_autogenerate,
)
with context.begin_transaction():
    context.run_migrations()
