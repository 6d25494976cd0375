"""Alembic migrations of the servicecoach store (append-only, one file per version)."""
