"""Human review: reviews, calibration sessions, disputes, score history, review queues.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from servicecoach.store.schema import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "calibration_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=150), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("conversations", sa.JSON(), nullable=False),
        sa.Column("reviewers", sa.JSON(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_calibration_sessions"),
    )
    op.create_index("ix_calibration_sessions_team", "calibration_sessions", ["team"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=150), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("calibration_id", sa.Integer(), nullable=True),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("rubric_version", sa.String(length=64), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk("reviews", "conversation_id", "conversations"),
        _fk("reviews", "calibration_id", "calibration_sessions"),
        _fk("reviews", "run_id", "analysis_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    for column in ("conversation_id", "reviewer", "calibration_id", "agent", "team"):
        op.create_index(f"ix_reviews_{column}", "reviews", [column])
    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(length=32), nullable=False),
        sa.Column("disputed_score", sa.Integer(), nullable=True),
        sa.Column("proposed_score", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("raised_by", sa.String(length=150), nullable=False),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.String(length=150), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("new_score", sa.Integer(), nullable=True),
        _fk("disputes", "conversation_id", "conversations"),
        _fk("disputes", "review_id", "reviews"),
        _fk("disputes", "run_id", "analysis_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_disputes"),
    )
    for column in ("conversation_id", "review_id", "agent", "team"):
        op.create_index(f"ix_disputes_{column}", "disputes", [column])
    op.create_table(
        "review_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=32), nullable=False),
        sa.Column("old_score", sa.Integer(), nullable=True),
        sa.Column("new_score", sa.Integer(), nullable=True),
        sa.Column("changed_by", sa.String(length=150), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        _fk("review_changes", "review_id", "reviews"),
        _fk("review_changes", "dispute_id", "disputes"),
        sa.PrimaryKeyConstraint("id", name="pk_review_changes"),
    )
    op.create_index("ix_review_changes_review_id", "review_changes", ["review_id"])
    op.create_table(
        "review_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=150), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("why", sa.String(length=300), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("assigned_by", sa.String(length=150), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        _fk("review_assignments", "conversation_id", "conversations"),
        sa.PrimaryKeyConstraint("id", name="pk_review_assignments"),
        sa.UniqueConstraint(
            "reviewer", "conversation_id", name="uq_review_assignments_reviewer_conversation_id"
        ),
    )
    op.create_index("ix_review_assignments_reviewer", "review_assignments", ["reviewer"])


def downgrade() -> None:
    op.drop_index("ix_review_assignments_reviewer", table_name="review_assignments")
    op.drop_table("review_assignments")
    op.drop_index("ix_review_changes_review_id", table_name="review_changes")
    op.drop_table("review_changes")
    for column in ("conversation_id", "review_id", "agent", "team"):
        op.drop_index(f"ix_disputes_{column}", table_name="disputes")
    op.drop_table("disputes")
    for column in ("conversation_id", "reviewer", "calibration_id", "agent", "team"):
        op.drop_index(f"ix_reviews_{column}", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("ix_calibration_sessions_team", table_name="calibration_sessions")
    op.drop_table("calibration_sessions")
