"""Persistence: ORM tables, repositories and Alembic migrations (SQLite or PostgreSQL)."""
