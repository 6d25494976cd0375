"""Per-skill scores as rows: ``skill_scores`` (one row per run, conversation and skill),
``daily_skill_scores`` (one row per ``metrics_daily`` row and skill) and
``channel_skill_scores`` (per ``channel_daily`` row and skill), so that a skill a plugin
analyser brings is stored without a migration.

Until now each of the twelve built-in skills had a column in ``conversation_metrics``
(``score_<skill>``) and two in ``metrics_daily`` (``sum_<skill>``, ``n_<skill>``), and
``skill_scores`` held the applicable scores again, written and never read. The upgrade
copies every score column into rows (a null score is a row with ``applicable`` false:
the skill was scored as not applicable, or not at all), every daily sum and count into
``daily_skill_scores``, and drops the columns. The old ``skill_scores`` rows are
dropped: they repeat ``conversation_metrics`` and the stored results, from which
``ensure_metrics`` fills the rows of a run that has none yet. ``channel_skill_scores``
starts empty: a run has no daily sums by channel for its skills until ``ensure_metrics``
rebuilds its daily sums on first use (``has_daily`` is false meanwhile), as migration
0011 did for ``channel_daily``, so that this migration stays quick on a large store.

The downgrade restores the columns of the twelve built-ins from the rows (a skill
without a column is lost there) and the old ``skill_scores`` from the applicable scores.

On SQLite, rebuilding a table (batch mode) drops it, which foreign keys pointing at it
forbid; so ``metrics_daily`` loses its columns before ``daily_skill_scores`` points at
it, and the daily sums wait in memory meanwhile (a few rows a day and agent).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_SKILLS = (
    "active_listening", "clear_communication", "empathy", "problem_solving", "patience",
    "responsiveness", "public_to_private", "apology", "extra_mile", "closing", "persuasion",
    "continuity",
)  # fmt: skip
"""The twelve built-in skills that had columns (migration 0005)."""

_BATCH = 5000


def _metrics() -> sa.TableClause:
    return sa.table(
        "conversation_metrics",
        sa.column("run_id", sa.Integer()),
        sa.column("conversation_id", sa.Integer()),
        *(sa.column(f"score_{skill}", sa.Integer()) for skill in _SKILLS),
    )


def _daily() -> sa.TableClause:
    return sa.table(
        "metrics_daily",
        sa.column("id", sa.Integer()),
        *(
            sa.column(f"{prefix}_{skill}", sa.Integer())
            for skill in _SKILLS
            for prefix in ("sum", "n")
        ),
    )


def _scores() -> sa.TableClause:
    return sa.table(
        "skill_scores",
        sa.column("run_id", sa.Integer()),
        sa.column("conversation_id", sa.Integer()),
        sa.column("skill", sa.String()),
        sa.column("score", sa.Integer()),
        sa.column("applicable", sa.Boolean()),
    )


def _daily_scores() -> sa.TableClause:
    return sa.table(
        "daily_skill_scores",
        sa.column("daily_id", sa.Integer()),
        sa.column("skill", sa.String()),
        sa.column("score_sum", sa.Integer()),
        sa.column("scored", sa.Integer()),
    )


def _insert(table: sa.TableClause, rows: list[dict[str, Any]]) -> None:
    for offset in range(0, len(rows), _BATCH):
        op.get_bind().execute(table.insert(), rows[offset : offset + _BATCH])


def _create_old_skill_scores() -> None:
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


def upgrade() -> None:
    bind = op.get_bind()
    daily = _daily()
    sums = bind.execute(sa.select(daily)).all()
    with op.batch_alter_table("metrics_daily") as batch:
        for skill in _SKILLS:
            batch.drop_column(f"sum_{skill}")
            batch.drop_column(f"n_{skill}")

    op.drop_index("ix_skill_scores_run_id_skill", table_name="skill_scores")
    op.drop_table("skill_scores")
    op.create_table(
        "skill_scores",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("applicable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["analysis_runs.id"], name="fk_skill_scores_run_id_analysis_runs"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_skill_scores_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("run_id", "conversation_id", "skill", name="pk_skill_scores"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_skill_scores_run_id_skill_score_conversation_id",
        "skill_scores",
        ["run_id", "skill", "score", "conversation_id"],
    )
    op.create_table(
        "daily_skill_scores",
        sa.Column("daily_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["daily_id"], ["metrics_daily.id"], name="fk_daily_skill_scores_daily_id_metrics_daily"
        ),
        sa.PrimaryKeyConstraint("daily_id", "skill", name="pk_daily_skill_scores"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "channel_skill_scores",
        sa.Column("daily_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["daily_id"],
            ["channel_daily.id"],
            name="fk_channel_skill_scores_daily_id_channel_daily",
        ),
        sa.PrimaryKeyConstraint("daily_id", "skill", name="pk_channel_skill_scores"),
        sqlite_with_rowid=False,
    )

    metrics, scores = _metrics(), _scores()
    for skill in _SKILLS:
        column = metrics.c[f"score_{skill}"]
        op.execute(
            scores.insert().from_select(
                ["run_id", "conversation_id", "skill", "score", "applicable"],
                sa.select(
                    metrics.c.run_id,
                    metrics.c.conversation_id,
                    sa.literal(skill, sa.String()),
                    column,
                    column.is_not(None),
                ),
            )
        )
    _insert(
        _daily_scores(),
        [
            {
                "daily_id": row.id,
                "skill": skill,
                "score_sum": row._mapping[f"sum_{skill}"],
                "scored": row._mapping[f"n_{skill}"],
            }
            for row in sums
            for skill in _SKILLS
        ],
    )
    with op.batch_alter_table("conversation_metrics") as batch:
        for skill in _SKILLS:
            batch.drop_column(f"score_{skill}")


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("channel_skill_scores")
    daily_scores = _daily_scores()
    sums: dict[int, dict[str, int]] = {}
    for daily_id, skill, total, scored in bind.execute(
        sa.select(daily_scores).where(daily_scores.c.skill.in_(_SKILLS))
    ):
        sums.setdefault(daily_id, {}).update({f"sum_{skill}": total, f"n_{skill}": scored})
    op.drop_table("daily_skill_scores")
    with op.batch_alter_table("metrics_daily") as batch:
        for skill in _SKILLS:
            for prefix in ("sum", "n"):
                batch.add_column(
                    sa.Column(f"{prefix}_{skill}", sa.Integer(), nullable=False, server_default="0")
                )
    daily = _daily()
    names = [f"{prefix}_{skill}" for skill in _SKILLS for prefix in ("sum", "n")]
    if sums:
        bind.execute(
            daily.update()
            .where(daily.c.id == sa.bindparam("daily_id"))
            .values({name: sa.bindparam(name) for name in names}),
            [
                {"daily_id": daily_id, **{name: values.get(name, 0) for name in names}}
                for daily_id, values in sums.items()
            ],
        )
    with op.batch_alter_table("metrics_daily") as batch:
        for skill in _SKILLS:
            for prefix in ("sum", "n"):
                batch.alter_column(f"{prefix}_{skill}", server_default=None)

    with op.batch_alter_table("conversation_metrics") as batch:
        for skill in _SKILLS:
            batch.add_column(sa.Column(f"score_{skill}", sa.Integer(), nullable=True))
    metrics, scores = _metrics(), _scores()
    op.execute(
        metrics.update().values(
            {
                f"score_{skill}": sa.select(scores.c.score)
                .where(
                    scores.c.run_id == metrics.c.run_id,
                    scores.c.conversation_id == metrics.c.conversation_id,
                    scores.c.skill == skill,
                )
                .scalar_subquery()
                for skill in _SKILLS
            }
        )
    )
    op.drop_index("ix_skill_scores_run_id_skill_score_conversation_id", table_name="skill_scores")
    op.drop_table("skill_scores")
    _create_old_skill_scores()
    old = sa.table(
        "skill_scores",
        sa.column("run_id", sa.Integer()),
        sa.column("conversation_id", sa.Integer()),
        sa.column("skill", sa.String()),
        sa.column("score", sa.Integer()),
    )
    for skill in _SKILLS:
        column = metrics.c[f"score_{skill}"]
        op.execute(
            old.insert().from_select(
                ["run_id", "conversation_id", "skill", "score"],
                sa.select(
                    metrics.c.run_id,
                    metrics.c.conversation_id,
                    sa.literal(skill, sa.String()),
                    column,
                ).where(column.is_not(None)),
            )
        )
