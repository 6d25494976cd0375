"""Dashboard tables: per-conversation metrics and their daily sums, agents and teams,
coaching notes, users, contact reasons (insights).

Runs analysed before this migration have no ``conversation_metrics`` rows; they are
filled on first use by ``store.metrics.ensure_metrics`` (see docs/dashboard.md), so this
migration stays quick on a large store.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from servicecoach.store.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SKILLS = (
    "active_listening",
    "clear_communication",
    "empathy",
    "problem_solving",
    "patience",
    "responsiveness",
    "public_to_private",
    "apology",
    "extra_mile",
    "closing",
    "persuasion",
    "continuity",
)
"""The twelve skills as they were when this migration was written (append-only)."""
_EMOTIONS = (
    "anger", "frustration", "anxiety", "sadness", "confusion", "disappointment",
    "neutral", "satisfaction", "gratitude", "relief",
)  # fmt: skip
"""The FORMAT.md emotion labels as they were when this migration was written."""


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agents"),
    )
    op.create_index("ix_agents_team", "agents", ["team"])
    op.create_table(
        "conversation_metrics",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("started_day", sa.Date(), nullable=True),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("customer_messages", sa.Integer(), nullable=False),
        sa.Column("first_response_s", sa.Float(), nullable=True),
        sa.Column("median_response_s", sa.Float(), nullable=True),
        sa.Column("first_response_within_target", sa.Boolean(), nullable=True),
        sa.Column("emotion_start", sa.String(length=32), nullable=True),
        sa.Column("emotion_end", sa.String(length=32), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("retold", sa.Boolean(), nullable=False),
        *(sa.Column(f"score_{skill}", sa.Integer(), nullable=True) for skill in _SKILLS),
        sa.ForeignKeyConstraint(
            ["run_id"], ["analysis_runs.id"], name="fk_conversation_metrics_run_id_analysis_runs"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_conversation_metrics_conversation_id_conversations",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_conversation_metrics_customer_id_customers"
        ),
        sa.PrimaryKeyConstraint("run_id", "conversation_id", name="pk_conversation_metrics"),
    )
    for name, columns in (
        ("ix_conversation_metrics_run_id_started_day", ["run_id", "started_day"]),
        ("ix_conversation_metrics_run_id_agent_started_day", ["run_id", "agent", "started_day"]),
        ("ix_conversation_metrics_run_id_team_started_day", ["run_id", "team", "started_day"]),
        ("ix_conversation_metrics_conversation_id", ["conversation_id"]),
        (
            "ix_conversation_metrics_run_id_started_at_conversation_id",
            ["run_id", "started_at", "conversation_id"],
        ),
        (
            "ix_conversation_metrics_response",
            [
                "run_id",
                "channel",
                "started_day",
                "team",
                "agent",
                "first_response_s",
                "first_response_within_target",
            ],
        ),
        (
            "ix_conversation_metrics_issues",
            [
                "run_id",
                "started_day",
                "team",
                "agent",
                "channel",
                "emotion_start",
                "conversation_id",
            ],
        ),
    ):
        op.create_index(name, "conversation_metrics", columns)
    op.create_table(
        "metrics_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("started_day", sa.Date(), nullable=True),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("last_started_at", UTCDateTime(), nullable=True),
        *(
            sa.Column(f"{prefix}_{skill}", sa.Integer(), nullable=False)
            for skill in _SKILLS
            for prefix in ("sum", "n")
        ),
        sa.Column("quality_sum", sa.Integer(), nullable=False),
        sa.Column("quality_n", sa.Integer(), nullable=False),
        sa.Column("resolved_n", sa.Integer(), nullable=False),
        sa.Column("resolved_known", sa.Integer(), nullable=False),
        sa.Column("within_n", sa.Integer(), nullable=False),
        sa.Column("judged_n", sa.Integer(), nullable=False),
        sa.Column("response_sum", sa.Float(), nullable=False),
        sa.Column("response_n", sa.Integer(), nullable=False),
        *(
            sa.Column(f"{moment}_{emotion}", sa.Integer(), nullable=False)
            for moment in ("start", "end")
            for emotion in _EMOTIONS
        ),
        sa.Column("improved", sa.Integer(), nullable=False),
        sa.Column("worsened", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["analysis_runs.id"], name="fk_metrics_daily_run_id_analysis_runs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_metrics_daily"),
    )
    for name, columns in (
        ("ix_metrics_daily_run_id_started_day", ["run_id", "started_day"]),
        ("ix_metrics_daily_run_id_agent_started_day", ["run_id", "agent", "started_day"]),
        ("ix_metrics_daily_run_id_team_started_day", ["run_id", "team", "started_day"]),
    ):
        op.create_index(name, "metrics_daily", columns)
    op.create_table(
        "coaching_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=255), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_coaching_notes_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_coaching_notes"),
    )
    op.create_index("ix_coaching_notes_agent", "coaching_notes", ["agent"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("agent", sa.String(length=255), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "reason_embeddings",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_reason_embeddings_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_reason_embeddings"),
    )
    op.create_table(
        "contact_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("built_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contact_reasons"),
    )
    op.create_table(
        "reason_assignments",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reason_id", sa.Integer(), nullable=False),
        sa.Column("distance", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_reason_assignments_conversation_id_conversations",
        ),
        sa.ForeignKeyConstraint(
            ["reason_id"],
            ["contact_reasons.id"],
            name="fk_reason_assignments_reason_id_contact_reasons",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_reason_assignments"),
    )
    op.create_index(
        "ix_reason_assignments_reason_id_distance",
        "reason_assignments",
        ["reason_id", "distance"],
    )


def downgrade() -> None:
    for table in (
        "reason_assignments",
        "contact_reasons",
        "reason_embeddings",
        "users",
        "coaching_notes",
        "metrics_daily",
        "conversation_metrics",
        "agents",
    ):
        op.drop_table(table)
