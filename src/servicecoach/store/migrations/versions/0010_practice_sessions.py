"""Practice sessions in progress, kept in the store so that every worker can continue them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from servicecoach.store.schema import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("scenario", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("touched_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_practice_sessions"),
        sa.UniqueConstraint("owner", name="uq_practice_sessions_owner"),
    )
    op.create_index("ix_practice_sessions_touched_at", "practice_sessions", ["touched_at"])


def downgrade() -> None:
    op.drop_index("ix_practice_sessions_touched_at", table_name="practice_sessions")
    op.drop_table("practice_sessions")
