"""Analysis runs: every analysis of the store is a new run; results are never overwritten.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from servicecoach.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("analyzers", sa.JSON(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_analysis_runs"),
    )
    op.create_table(
        "analysis_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["analysis_runs.id"], name="fk_analysis_results_run_id_analysis_runs"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_analysis_results_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_analysis_results"),
        sa.UniqueConstraint(
            "run_id", "conversation_id", name="uq_analysis_results_run_id_conversation_id"
        ),
    )
    op.create_index("ix_analysis_results_conversation_id", "analysis_results", ["conversation_id"])
    op.create_table(
        "skill_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["analysis_runs.id"], name="fk_skill_scores_run_id_analysis_runs"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_skill_scores_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_skill_scores"),
    )
    op.create_index("ix_skill_scores_run_id_skill", "skill_scores", ["run_id", "skill"])


def downgrade() -> None:
    for table in ("skill_scores", "analysis_results", "analysis_runs"):
        op.drop_table(table)
