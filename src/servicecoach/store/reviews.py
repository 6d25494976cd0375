"""Reviews in the store: saved, read within the viewer's scope, and their score history.

Scope. A review carries the conversation's agent and team as they were when it was
saved (from the latest finished run's metrics): admins see every review, a lead their
team's, an agent the reviews of their own conversations, and of those only the kinds
an agent is shown (never the blind reviews of a calibration session). Writing follows
the conversation page's rule: a reviewer may review what they may see, and only admins
and leads review (the routes check the role). Out of scope is "not found".

One reviewer has one review per conversation and kind (and calibration session):
saving again updates it. Score changes after that (a dispute accepted) are recorded in
``review_changes`` with who changed what, when and why (:func:`change_score`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, and_, false, select, true, update

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.labels import LABEL_KINDS
from servicecoach.review.model import Review, ReviewKind, SignalMark
from servicecoach.review.validate import MAX_COMMENT, MAX_MARKS
from servicecoach.store.analyses import latest_run
from servicecoach.store.filters import Scope, ScopeKind
from servicecoach.store.schema import (
    analysis_results,
    conversation_metrics,
    conversations,
    review_changes,
    reviews,
)

__all__ = [
    "AGENT_KINDS",
    "Owner",
    "ScoreChange",
    "change_score",
    "conversation_owner",
    "get_review",
    "iter_reviews",
    "list_reviews",
    "review_history",
    "review_scope",
    "save_review",
    "stored_results",
]

AGENT_KINDS = LABEL_KINDS
"""The kinds of review an agent sees of their own conversations."""


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose a conversation is, by the latest finished run (``run`` ``None``: never analysed)."""

    agent: str | None
    team: str | None
    run: int | None


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """One change of a review's score after it was saved."""

    id: int
    review_id: int
    skill: str
    old_score: int | None
    new_score: int | None
    changed_by: str
    changed_at: datetime
    dispute_id: int | None


def conversation_owner(connection: Connection, conversation_id: int) -> Owner:
    """The agent and team of a conversation in the latest finished run.

    Raises:
        NotFoundError: no such conversation.
    """
    exists = connection.execute(
        select(conversations.c.id).where(conversations.c.id == conversation_id)
    ).scalar_one_or_none()
    if exists is None:
        raise NotFoundError(f"no conversation {conversation_id}")
    try:
        run = latest_run(connection).id
    except NotFoundError:
        return Owner(None, None, None)
    row = connection.execute(
        select(conversation_metrics.c.agent, conversation_metrics.c.team).where(
            conversation_metrics.c.run_id == run,
            conversation_metrics.c.conversation_id == conversation_id,
        )
    ).first()
    return Owner(row.agent, row.team, run) if row is not None else Owner(None, None, run)


def review_scope(scope: Scope) -> ColumnElement[bool]:
    """The WHERE condition of the reviews ``scope`` may read."""
    if scope.kind is ScopeKind.ALL:
        return true()
    if scope.kind is ScopeKind.TEAM:
        return reviews.c.team == scope.value
    if scope.kind is ScopeKind.AGENT:
        return and_(
            reviews.c.agent == scope.value,
            reviews.c.kind.in_(sorted(k.value for k in AGENT_KINDS)),
        )
    return false()


def _check_writable(owner: Owner, scope: Scope, conversation_id: int) -> None:
    if scope.kind is ScopeKind.ALL:
        return
    if scope.kind is ScopeKind.TEAM and owner.team is not None and owner.team == scope.value:
        return
    raise NotFoundError(f"no conversation {conversation_id} in your view")


def save_review(
    connection: Connection,
    scope: Scope,
    *,
    conversation_id: int,
    reviewer: str,
    rubric_version: str,
    scores: Mapping[str, int | None],
    signals: Sequence[SignalMark] = (),
    comment: str = "",
    kind: ReviewKind = ReviewKind.REVIEW,
    calibration_id: int | None = None,
    when: datetime | None = None,
) -> Review:
    """Save ``reviewer``'s review of a conversation (updating their earlier one).

    Args:
        connection: the database, in a transaction.
        scope: the reviewer's scope: everything (admins) or a team (leads).
        conversation_id: the conversation's key.
        reviewer: the reviewer's username.
        rubric_version: the rubric the scores were given under.
        scores: skill to 0-100 or ``None`` (not applicable); validated by the caller.
        signals: verdicts on signals; validated by the caller.
        comment: free text.
        kind: review, calibration, agreed or dispute.
        calibration_id: the session of a calibration or agreed review.
        when: the time to record (now by default).

    Raises:
        NotFoundError: no such conversation in ``scope``.
        ConfigError: too long a comment, too many marks, or a session missing for its kind.
    """
    if len(comment) > MAX_COMMENT:
        raise ConfigError(f"the comment is longer than {MAX_COMMENT} characters: shorten it")
    if len(signals) > MAX_MARKS:
        raise ConfigError(f"a review holds at most {MAX_MARKS} signal verdicts")
    in_session = kind in (ReviewKind.CALIBRATION, ReviewKind.AGREED)
    if in_session != (calibration_id is not None):
        raise ConfigError(f"a {kind.value} review {'needs' if in_session else 'takes no'} session")
    owner = conversation_owner(connection, conversation_id)
    _check_writable(owner, scope, conversation_id)
    now = when or datetime.now(UTC)
    values: dict[str, Any] = {
        "agent": owner.agent,
        "team": owner.team,
        "run_id": owner.run,
        "rubric_version": rubric_version,
        "scores": dict(scores),
        "signals": [mark.to_dict() for mark in signals],
        "comment": comment.strip(),
        "updated_at": now,
    }
    same = and_(
        reviews.c.conversation_id == conversation_id,
        reviews.c.reviewer == reviewer,
        reviews.c.kind == kind.value,
        reviews.c.calibration_id == calibration_id
        if calibration_id is not None
        else reviews.c.calibration_id.is_(None),
    )
    found = connection.execute(select(reviews.c.id).where(same)).scalar_one_or_none()
    if found is not None:
        connection.execute(update(reviews).where(reviews.c.id == found).values(**values))
        pk = int(found)
    else:
        result = connection.execute(
            reviews.insert().values(
                conversation_id=conversation_id,
                reviewer=reviewer,
                kind=kind.value,
                calibration_id=calibration_id,
                created_at=now,
                **values,
            )
        )
        pk = int(result.inserted_primary_key[0])  # type: ignore[index]
    return get_review(connection, Scope.everything(), pk)


def _query() -> Any:
    return select(reviews, conversations.c.external_id).join(
        conversations, conversations.c.id == reviews.c.conversation_id
    )


def _review(row: Any) -> Review:
    return Review(
        id=row.id,
        conversation_id=row.conversation_id,
        conversation=row.external_id,
        reviewer=row.reviewer,
        kind=ReviewKind(row.kind),
        calibration_id=row.calibration_id,
        agent=row.agent,
        team=row.team,
        run=row.run_id,
        rubric_version=row.rubric_version,
        scores=dict(row.scores or {}),
        signals=tuple(SignalMark.from_dict(m) for m in row.signals or []),
        comment=row.comment,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def get_review(connection: Connection, scope: Scope, review_id: int) -> Review:
    """One review the viewer may see.

    Raises:
        NotFoundError: no such review in ``scope``.
    """
    row = connection.execute(_query().where(reviews.c.id == review_id, review_scope(scope))).first()
    if row is None:
        raise NotFoundError(f"no review {review_id} in your view")
    return _review(row)


def list_reviews(
    connection: Connection,
    scope: Scope,
    *,
    conversation_id: int | None = None,
    reviewer: str | None = None,
    kinds: Iterable[ReviewKind] = LABEL_KINDS,
    calibration_id: int | None = None,
    limit: int | None = None,
) -> list[Review]:
    """The reviews in ``scope`` (newest first), narrowed by the other arguments.

    The default ``kinds`` leave out blind calibration reviews: the calibration session
    shows those, once its rules allow.
    """
    query = _query().where(review_scope(scope), reviews.c.kind.in_(sorted(k.value for k in kinds)))
    if conversation_id is not None:
        query = query.where(reviews.c.conversation_id == conversation_id)
    if reviewer is not None:
        query = query.where(reviews.c.reviewer == reviewer)
    if calibration_id is not None:
        query = query.where(reviews.c.calibration_id == calibration_id)
    query = query.order_by(reviews.c.updated_at.desc(), reviews.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_review(row) for row in connection.execute(query)]


def iter_reviews(
    connection: Connection, scope: Scope, kinds: Iterable[ReviewKind] = LABEL_KINDS
) -> Iterator[Review]:
    """Every review in ``scope`` of ``kinds``, oldest first (for exports)."""
    query = (
        _query()
        .where(review_scope(scope), reviews.c.kind.in_(sorted(k.value for k in kinds)))
        .order_by(reviews.c.id)
    )
    for row in connection.execute(query):
        yield _review(row)


def change_score(
    connection: Connection,
    review_id: int,
    skill: str,
    new_score: int | None,
    changed_by: str,
    *,
    dispute_id: int | None = None,
    old_score: int | Literal["review"] | None = "review",
) -> ScoreChange:
    """Change one skill's score of a saved review, recording the change.

    ``old_score`` is what the history says it was: the review's own score by default,
    or another (servicecoach's automatic score, when a dispute corrects it).

    Raises:
        NotFoundError: no such review.
    """
    review = get_review(connection, Scope.everything(), review_id)
    scores = dict(review.scores)
    old = scores.get(skill) if old_score == "review" else old_score
    scores[skill] = new_score
    now = datetime.now(UTC)
    connection.execute(
        update(reviews).where(reviews.c.id == review_id).values(scores=scores, updated_at=now)
    )
    result = connection.execute(
        review_changes.insert().values(
            review_id=review_id,
            skill=skill,
            old_score=old,
            new_score=new_score,
            changed_by=changed_by,
            changed_at=now,
            dispute_id=dispute_id,
        )
    )
    pk = int(result.inserted_primary_key[0])  # type: ignore[index]
    return ScoreChange(pk, review_id, skill, old, new_score, changed_by, now, dispute_id)


def review_history(connection: Connection, review_id: int) -> list[ScoreChange]:
    """The score changes of a review, oldest first."""
    rows = connection.execute(
        select(review_changes)
        .where(review_changes.c.review_id == review_id)
        .order_by(review_changes.c.changed_at, review_changes.c.id)
    )
    return [ScoreChange(*row) for row in rows]


def stored_results(
    connection: Connection, run: int, conversation_ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """The stored FORMAT.md results of ``run`` for the given conversations (those it has)."""
    wanted = sorted(set(conversation_ids))
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        rows = connection.execute(
            select(analysis_results.c.conversation_id, analysis_results.c.result).where(
                analysis_results.c.run_id == run,
                analysis_results.c.conversation_id.in_(wanted[start : start + 500]),
            )
        )
        found.update({row.conversation_id: dict(row.result) for row in rows})
    return found
