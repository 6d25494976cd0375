"""The database schema: one set of tables for SQLite and PostgreSQL.

Migrations in ``migrations/versions`` create and change these tables; a test checks
that the migrated database matches this module exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from servicecoach.analysis.emotion import EMOTIONS

__all__ = [
    "UTCDateTime",
    "agents",
    "analysis_results",
    "analysis_runs",
    "api_tokens",
    "app_secrets",
    "calibration_sessions",
    "channel_daily",
    "channel_skill_scores",
    "coaching_notes",
    "contact_reasons",
    "conversation_metrics",
    "conversations",
    "customers",
    "daily_skill_scores",
    "disputes",
    "identities",
    "imports",
    "merges",
    "messages",
    "metadata",
    "metrics_daily",
    "practice_assignments",
    "practice_results",
    "practice_sessions",
    "reason_assignments",
    "reason_embeddings",
    "review_assignments",
    "review_changes",
    "reviews",
    "skill_scores",
    "users",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as naive UTC, the same on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255)),
    Column("merged_into", Integer, ForeignKey("customers.id"), index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("kind", String(64), nullable=False),
    Column("value", String(320), nullable=False),
    UniqueConstraint("kind", "value"),
)

merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survivor_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("merged_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
    Column("reason", String(500), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("undone_at", UTCDateTime),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("external_id", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("customer_id", Integer, ForeignKey("customers.id")),
    Column("customer_json", JSON, nullable=False),
    Column("meta", JSON, nullable=False),
    Column("started_at", UTCDateTime, index=True),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "external_id"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "conversation_id",
        Integer,
        ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("external_id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("role", String(16), nullable=False),
    Column("author", Text),
    Column("at", String(64)),
    Column("at_utc", UTCDateTime, index=True),
    Column("end", String(64)),
    Column("start_s", Float),
    Column("end_s", Float),
    Column("internal", Boolean, nullable=False),
    Column("text", Text, nullable=False),
    Column("meta", JSON, nullable=False),
    UniqueConstraint("conversation_id", "external_id"),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("paths", JSON, nullable=False),
    Column("formats", JSON, nullable=False),
    Column("conversations_new", Integer, nullable=False),
    Column("conversations_updated", Integer, nullable=False),
    Column("messages", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
)

Index("ix_conversations_customer_started", conversations.c.customer_id, conversations.c.started_at)
Index("ix_messages_external_id", messages.c.external_id)

analysis_runs = Table(
    "analysis_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("analyzers", JSON, nullable=False),
    Column("config", JSON, nullable=False),
    Column("conversations", Integer, nullable=False),
)

analysis_results = Table(
    "analysis_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("analysis_runs.id"), nullable=False),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False, index=True),
    Column("result", JSON, nullable=False),
    Column("quality", Integer),
    Column("satisfaction", Integer),
    UniqueConstraint("run_id", "conversation_id"),
)

skill_scores = Table(
    "skill_scores",
    metadata,
    Column("run_id", Integer, ForeignKey("analysis_runs.id"), primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), primary_key=True),
    Column("skill", String(64), primary_key=True),
    Column("score", Integer),
    Column("applicable", Boolean, nullable=False),
    sqlite_with_rowid=False,
)
"""Each skill a conversation's result carries, per run (migration 0013): ``score`` 0-100,
or ``NULL`` with ``applicable`` false. Rows, not columns, so that a skill a plugin brings
needs no migration; the primary key serves a conversation's scores (a dispute reads one),
and the index the conversation list sorted by a skill within a run."""
Index(
    "ix_skill_scores_run_id_skill_score_conversation_id",
    skill_scores.c.run_id,
    skill_scores.c.skill,
    skill_scores.c.score,
    skill_scores.c.conversation_id,
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)
"""API tokens: only a SHA-256 of the secret is stored; ``prefix`` identifies it in lists."""

agents = Table(
    "agents",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("display_name", String(255)),
    Column("team", String(100), index=True),
    Column("first_seen", UTCDateTime, nullable=False),
)
"""Agents as conversations name them (the reply author); ``team`` is set by an admin."""

conversation_metrics = Table(
    "conversation_metrics",
    metadata,
    Column("run_id", Integer, ForeignKey("analysis_runs.id"), primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id")),
    Column("channel", String(16), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("agent", String(255)),
    Column("team", String(100)),
    Column("started_at", UTCDateTime),
    Column("started_day", Date),
    Column("messages", Integer, nullable=False),
    Column("customer_messages", Integer, nullable=False),
    Column("first_response_s", Float),
    Column("median_response_s", Float),
    Column("first_response_within_target", Boolean),
    Column("emotion_start", String(32)),
    Column("emotion_end", String(32)),
    Column("resolved", Boolean),
    Column("satisfaction", Integer),
    Column("quality", Integer),
    Column("retold", Boolean, nullable=False),
)
"""One row per conversation and run: what the pages filter, group and sort on (the skill
scores are in ``skill_scores``)."""
Index(
    "ix_conversation_metrics_run_id_started_day",
    conversation_metrics.c.run_id,
    conversation_metrics.c.started_day,
)
Index(
    "ix_conversation_metrics_run_id_agent_started_day",
    conversation_metrics.c.run_id,
    conversation_metrics.c.agent,
    conversation_metrics.c.started_day,
)
Index(
    "ix_conversation_metrics_run_id_team_started_day",
    conversation_metrics.c.run_id,
    conversation_metrics.c.team,
    conversation_metrics.c.started_day,
)
Index("ix_conversation_metrics_conversation_id", conversation_metrics.c.conversation_id)
Index(
    "ix_conversation_metrics_run_id_started_at_conversation_id",
    conversation_metrics.c.run_id,
    conversation_metrics.c.started_at,
    conversation_metrics.c.conversation_id,
)
# Serves channel filters (its prefix) and, index-only, the response times per channel.
Index(
    "ix_conversation_metrics_response",
    conversation_metrics.c.run_id,
    conversation_metrics.c.channel,
    conversation_metrics.c.started_day,
    conversation_metrics.c.team,
    conversation_metrics.c.agent,
    conversation_metrics.c.first_response_s,
    conversation_metrics.c.first_response_within_target,
)
# Serves period scans that join other tables by conversation (contact reasons), index-only.
Index(
    "ix_conversation_metrics_issues",
    conversation_metrics.c.run_id,
    conversation_metrics.c.started_day,
    conversation_metrics.c.team,
    conversation_metrics.c.agent,
    conversation_metrics.c.channel,
    conversation_metrics.c.emotion_start,
    conversation_metrics.c.conversation_id,
)

metrics_daily = Table(
    "metrics_daily",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("analysis_runs.id"), nullable=False),
    Column("started_day", Date),
    Column("agent", String(255)),
    Column("team", String(100)),
    Column("conversations", Integer, nullable=False),
    Column("last_started_at", UTCDateTime),
    Column("quality_sum", Integer, nullable=False),
    Column("quality_n", Integer, nullable=False),
    Column("resolved_n", Integer, nullable=False),
    Column("resolved_known", Integer, nullable=False),
    Column("within_n", Integer, nullable=False),
    Column("judged_n", Integer, nullable=False),
    Column("response_sum", Float, nullable=False),
    Column("response_n", Integer, nullable=False),
    *(
        Column(f"{moment}_{emotion}", Integer, nullable=False)
        for moment in ("start", "end")
        for emotion in EMOTIONS
    ),
    Column("improved", Integer, nullable=False),
    Column("worsened", Integer, nullable=False),
)
"""``conversation_metrics`` summed per run, day and agent (built when a run finishes), so
that charts over a year read thousands of rows instead of every conversation (the skill
scores' sums are in ``daily_skill_scores``)."""
Index("ix_metrics_daily_run_id_started_day", metrics_daily.c.run_id, metrics_daily.c.started_day)
Index(
    "ix_metrics_daily_run_id_agent_started_day",
    metrics_daily.c.run_id,
    metrics_daily.c.agent,
    metrics_daily.c.started_day,
)
Index(
    "ix_metrics_daily_run_id_team_started_day",
    metrics_daily.c.run_id,
    metrics_daily.c.team,
    metrics_daily.c.started_day,
)

daily_skill_scores = Table(
    "daily_skill_scores",
    metadata,
    Column("daily_id", Integer, ForeignKey("metrics_daily.id"), primary_key=True),
    Column("skill", String(64), primary_key=True),
    Column("score_sum", Integer, nullable=False),
    Column("scored", Integer, nullable=False),
    sqlite_with_rowid=False,
)
"""``skill_scores`` summed per ``metrics_daily`` row (its run, day and agent) and skill:
the sum of the scores and how many conversations were scored (built with it). Keyed to
the daily row, so that a team change (``store.agents``) and the day, agent and team
filters on ``metrics_daily`` hold for it with one join."""

channel_daily = Table(
    "channel_daily",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("analysis_runs.id"), nullable=False),
    Column("started_day", Date),
    Column("agent", String(255)),
    Column("team", String(100)),
    Column("channel", String(16), nullable=False),
    Column("waits", LargeBinary),
    *(
        Column(f"{moment}_{emotion}", Integer, nullable=False)
        for moment in ("start", "end")
        for emotion in EMOTIONS
    ),
    Column("improved", Integer, nullable=False),
    Column("worsened", Integer, nullable=False),
)
"""What the overview needs per channel that ``metrics_daily`` (no channel, only sums)
cannot give, per run, day, agent, team and channel (built with it): the first-reply waits
themselves (packed by ``store.daily.pack_waits``; a median does not add up by day) and
the customer emotion counts of a channel filter."""
Index(
    "ix_channel_daily_selection",
    channel_daily.c.run_id,
    channel_daily.c.channel,
    channel_daily.c.started_day,
    channel_daily.c.team,
    channel_daily.c.agent,
)

channel_skill_scores = Table(
    "channel_skill_scores",
    metadata,
    Column("daily_id", Integer, ForeignKey("channel_daily.id"), primary_key=True),
    Column("skill", String(64), primary_key=True),
    Column("score_sum", Integer, nullable=False),
    Column("scored", Integer, nullable=False),
    sqlite_with_rowid=False,
)
"""``daily_skill_scores`` per ``channel_daily`` row (run, day, agent, team and channel),
so that a channel filter sums a few thousand rows instead of joining every scored
conversation (built with it; migration 0013 leaves it empty and ``ensure_metrics``
fills a run's on first use, as 0011 did for ``channel_daily``)."""

coaching_notes = Table(
    "coaching_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agent", String(255), nullable=False, index=True),
    Column("author", String(255), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("conversation_id", Integer, ForeignKey("conversations.id")),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(150), nullable=False, unique=True),
    Column("display_name", String(255)),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("team", String(100)),
    Column("agent", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("session_epoch", Integer, nullable=False, server_default="0"),
)
"""People who log in: ``role`` is admin, lead or agent; ``agent`` is the agent id they are.
``session_epoch`` is written into each session cookie; raising it (logout, a new password,
disabling) ends every session the user has."""

app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", String(255), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
"""Secrets generated once and shared by every worker (``session_key``: signs session cookies)."""

practice_assignments = Table(
    "practice_assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario", String(64), nullable=False),
    Column("agent", String(255), index=True),
    Column("team", String(100), index=True),
    Column("assigned_by", String(150), nullable=False),
    Column("assigned_at", UTCDateTime, nullable=False),
)
"""A practice scenario a lead assigned to one agent (``agent``) or a whole team (``team``)."""

practice_results = Table(
    "practice_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(150), nullable=False, index=True),
    Column("agent", String(255), index=True),
    Column("scenario", String(64), nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("completed", Boolean, nullable=False),
    Column("turns", Integer, nullable=False),
    Column("trained_score", Integer),
    Column("satisfaction", Integer),
    Column("quality", Integer),
    Column("skills", JSON, nullable=False),
)
"""One finished practice session: kept apart from real scores (``skills``: trained skill to
its score or null)."""

reason_embeddings = Table(
    "reason_embeddings",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id"), primary_key=True),
    Column("model", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("vector", LargeBinary, nullable=False),
)
"""The contact-reason text of a conversation and its sentence embedding (float16 bytes)."""

contact_reasons = Table(
    "contact_reasons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(300), nullable=False),
    Column("words", JSON, nullable=False),
    Column("size", Integer, nullable=False),
    Column("model", String(200), nullable=False),
    Column("built_at", UTCDateTime, nullable=False),
)
"""Recurring contact reasons of the latest `reasons build`, labelled with their top words."""

reason_assignments = Table(
    "reason_assignments",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id"), primary_key=True),
    Column("reason_id", Integer, ForeignKey("contact_reasons.id"), nullable=False),
    Column("distance", Float, nullable=False),
)
Index(
    "ix_reason_assignments_reason_id_distance",
    reason_assignments.c.reason_id,
    reason_assignments.c.distance,
)

calibration_sessions = Table(
    "calibration_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("team", String(100), index=True),
    Column("created_by", String(150), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("conversations", JSON, nullable=False),
    Column("reviewers", JSON, nullable=False),
    Column("closed_at", UTCDateTime),
)
"""A calibration session: reviewers (usernames) each score the same conversations (ids)
blind; ``team`` is the lead's team (``None``: an admin's, across teams)."""

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False, index=True),
    Column("reviewer", String(150), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("calibration_id", Integer, ForeignKey("calibration_sessions.id"), index=True),
    Column("agent", String(255), index=True),
    Column("team", String(100), index=True),
    Column("run_id", Integer, ForeignKey("analysis_runs.id")),
    Column("rubric_version", String(64), nullable=False),
    Column("scores", JSON, nullable=False),
    Column("signals", JSON, nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""A human review of one conversation: ``scores`` maps skills to 0-100 or null (not
applicable), ``signals`` the verdicts on highlighted signals (agree, wrong, missed);
``kind`` is review, calibration (blind, in a session), agreed (a session's agreed
answer) or dispute (a lead's correction of an automatic score). ``agent`` and ``team``
are the conversation's when reviewed: the scope of the review."""

disputes = Table(
    "disputes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False, index=True),
    Column("review_id", Integer, ForeignKey("reviews.id"), index=True),
    Column("run_id", Integer, ForeignKey("analysis_runs.id")),
    Column("skill", String(32), nullable=False),
    Column("disputed_score", Integer),
    Column("proposed_score", Integer),
    Column("reason", Text, nullable=False),
    Column("agent", String(255), index=True),
    Column("team", String(100), index=True),
    Column("raised_by", String(150), nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("resolved_by", String(150)),
    Column("resolved_at", UTCDateTime),
    Column("reply", Text),
    Column("new_score", Integer),
    Column("seen_at", UTCDateTime),
)
"""An agent's dispute of one skill's score, in a review (``review_id``) or the automatic
one (``run_id``); ``status`` is open, accepted or rejected; ``seen_at``: when the agent
marked the decision read (``NULL`` while open or unread)."""

review_changes = Table(
    "review_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("review_id", Integer, ForeignKey("reviews.id"), nullable=False, index=True),
    Column("skill", String(32), nullable=False),
    Column("old_score", Integer),
    Column("new_score", Integer),
    Column("changed_by", String(150), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("dispute_id", Integer, ForeignKey("disputes.id")),
)
"""The history of a review's scores: each change after it was first saved (a dispute)."""

review_assignments = Table(
    "review_assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reviewer", String(150), nullable=False, index=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False),
    Column("strategy", String(32), nullable=False),
    Column("why", String(300), nullable=False),
    Column("team", String(100)),
    Column("assigned_by", String(150), nullable=False),
    Column("assigned_at", UTCDateTime, nullable=False),
    UniqueConstraint("reviewer", "conversation_id"),
)
"""A reviewer's queue: conversations a lead sampled for them (``strategy``, and ``why`` in
words); done once the reviewer has reviewed the conversation."""

practice_sessions = Table(
    "practice_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(200), nullable=False, unique=True),
    Column("scenario", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("touched_at", UTCDateTime, nullable=False, index=True),
)
"""A web practice session in progress, one per owner (``user:ID:NAME`` or ``token:NAME``):
``id`` is random (never guessable) and every read also checks ``owner``; ``state`` is the
conversation so far as JSON (bounded); ``revision`` grows with every write, so two
workers answering the same form cannot both win; rows idle for two hours are expired."""
