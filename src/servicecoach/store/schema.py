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
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "UTCDateTime",
    "analysis_results",
    "analysis_runs",
    "api_tokens",
    "conversations",
    "customers",
    "identities",
    "imports",
    "merges",
    "messages",
    "metadata",
    "skill_scores",
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
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("analysis_runs.id"), nullable=False),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False),
    Column("skill", String(32), nullable=False),
    Column("score", Integer, nullable=False),
)
Index("ix_skill_scores_run_id_skill", skill_scores.c.run_id, skill_scores.c.skill)

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
