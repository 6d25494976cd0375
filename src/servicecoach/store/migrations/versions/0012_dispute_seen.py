"""When an agent read the decision of their dispute (``disputes.seen_at``), so the web
app can show them how many answers are new.

Disputes decided before this migration count as read (``seen_at`` is their
``resolved_at``): until now the only way to learn of a decision was to open the disputes
page, so the agent has most likely seen them, and a badge of old answers on the first
day would teach agents to ignore it. Open disputes keep ``NULL``; downgrading drops the
column in place and loses only the read marks.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from servicecoach.store.schema import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("disputes", sa.Column("seen_at", UTCDateTime(), nullable=True))
    disputes = sa.table(
        "disputes",
        sa.column("status", sa.String()),
        sa.column("resolved_at", UTCDateTime()),
        sa.column("seen_at", UTCDateTime()),
    )
    op.execute(
        disputes.update().where(disputes.c.status != "open").values(seen_at=disputes.c.resolved_at)
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35 and later): a batch copy would
    # drop and recreate ``disputes``, which SQLite refuses while review_changes rows refer
    # to it.
    op.drop_column("disputes", "seen_at")
