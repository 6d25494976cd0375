"""The conversation list sorted by a skill's score: one page of conversation ids.

Scores are rows (``skill_scores``), so a sort by a skill walks that skill's rows in the
order of their index (run, skill, score, conversation) and looks each conversation's
metrics up to apply the filters, stopping after the page: the first pages cost a few
hundred lookups, not a sort of the whole selection. Conversations without a score (not
applicable, or no row for the skill) come after every scored one, by id, either way.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Connection, exists, func, select

from servicecoach.store.schema import conversation_metrics, skill_scores
from servicecoach.store.scores import scores_first_join

__all__ = ["skill_page"]

_M = conversation_metrics.c
_S = skill_scores.c


def skill_page(
    connection: Connection,
    run: int,
    conditions: Sequence[ColumnElement[bool]],
    skill: str,
    *,
    descending: bool,
    limit: int,
    offset: int,
) -> list[int]:
    """The ids of one page of the ``conditions``' conversations by ``skill``'s score
    (ties by id, in the same direction), the unscored ones last."""
    scored = (
        select(_S.conversation_id)
        .select_from(scores_first_join())
        .where(_S.run_id == run, _S.skill == skill, _S.score.is_not(None), *conditions)
    )
    if descending:
        order = [_S.score.desc(), _S.conversation_id.desc()]
    else:
        order = [_S.score.asc(), _S.conversation_id.asc()]
    ids = list(connection.execute(scored.order_by(*order).limit(limit).offset(offset)).scalars())
    if len(ids) == limit:
        return ids
    # Past the scored conversations: the rest by id (only the last pages get here).
    count = select(func.count()).select_from(scored.subquery())
    skipped = max(0, offset - int(connection.execute(count).scalar_one()))
    has_score = (
        select(_S.conversation_id)
        .where(
            _S.run_id == _M.run_id,
            _S.conversation_id == _M.conversation_id,
            _S.skill == skill,
            _S.score.is_not(None),
        )
        .correlate(conversation_metrics)
    )
    rest = (
        select(_M.conversation_id)
        .where(*conditions, ~exists(has_score))
        .order_by(_M.conversation_id.desc() if descending else _M.conversation_id.asc())
        .limit(limit - len(ids))
        .offset(skipped)
    )
    return ids + list(connection.execute(rest).scalars())
