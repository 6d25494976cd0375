"""Practice: scenarios leads assign to agents or teams, and the results of practice sessions.

Practice results are kept apart from real conversations' scores: they never enter the
scorecards' means, only the agent's practice progress.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from servicecoach.store.schema import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario", sa.String(length=64), nullable=False),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("assigned_by", sa.String(length=150), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_practice_assignments"),
    )
    op.create_index("ix_practice_assignments_agent", "practice_assignments", ["agent"])
    op.create_index("ix_practice_assignments_team", "practice_assignments", ["team"])
    op.create_table(
        "practice_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("scenario", sa.String(length=64), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("trained_score", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_practice_results"),
    )
    op.create_index("ix_practice_results_username", "practice_results", ["username"])
    op.create_index("ix_practice_results_agent", "practice_results", ["agent"])


def downgrade() -> None:
    op.drop_index("ix_practice_results_agent", table_name="practice_results")
    op.drop_index("ix_practice_results_username", table_name="practice_results")
    op.drop_table("practice_results")
    op.drop_index("ix_practice_assignments_team", table_name="practice_assignments")
    op.drop_index("ix_practice_assignments_agent", table_name="practice_assignments")
    op.drop_table("practice_assignments")
