"""Index messages by external id: overlapping exports find a stored thread by its messages.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_messages_external_id", "messages", ["external_id"])


def downgrade() -> None:
    op.drop_index("ix_messages_external_id", table_name="messages")
