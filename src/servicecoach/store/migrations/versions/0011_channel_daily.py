"""Daily first-reply waits and emotions per channel (``channel_daily``), so that the
overview reads thousands of rows instead of every conversation's wait.

Runs analysed before this migration have no ``channel_daily`` rows; ``has_daily`` is
false for them until ``store.metrics.ensure_metrics`` rebuilds their daily sums on first
use (see docs/dashboard.md), so this migration stays quick on a large store.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_EMOTIONS = (
    "anger", "frustration", "anxiety", "sadness", "confusion", "disappointment",
    "neutral", "satisfaction", "gratitude", "relief",
)  # fmt: skip
"""The FORMAT.md emotion labels as they were when this migration was written."""


def upgrade() -> None:
    op.create_table(
        "channel_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("started_day", sa.Date(), nullable=True),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("waits", sa.LargeBinary(), nullable=True),
        *(
            sa.Column(f"{moment}_{emotion}", sa.Integer(), nullable=False)
            for moment in ("start", "end")
            for emotion in _EMOTIONS
        ),
        sa.Column("improved", sa.Integer(), nullable=False),
        sa.Column("worsened", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["analysis_runs.id"], name="fk_channel_daily_run_id_analysis_runs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_channel_daily"),
    )
    op.create_index(
        "ix_channel_daily_selection",
        "channel_daily",
        ["run_id", "channel", "started_day", "team", "agent"],
    )


def downgrade() -> None:
    op.drop_index("ix_channel_daily_selection", table_name="channel_daily")
    op.drop_table("channel_daily")
