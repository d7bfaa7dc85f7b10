"""The SQL adapter: SQLAlchemy Core tables, repositories, unit of work, read models."""
