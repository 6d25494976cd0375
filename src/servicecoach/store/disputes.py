"""Disputes in the store: an agent disputes one skill's score, in a review or the
automatic one, with a reason; a lead accepts (the score changes, with history) or
rejects with a reply.

Who: an agent raises disputes about their own conversations (by the latest run) and
reads their own; a lead reads and resolves their team's; an admin everyone's. Out of
scope is "not found". One open dispute per agent, conversation, review and skill.

Notification is in the app: :func:`unread_count` is what waits for the viewer (a
lead's or admin's open disputes, an agent's decisions not yet marked read) and
:func:`mark_seen` is the agent's "mark as read" (their own decided disputes only).

Accepting changes the disputed score and records the change in ``review_changes``: a
review's score is changed in place; servicecoach's automatic score (a stored run is
never rewritten) is corrected by a review of kind ``dispute`` by the lead, whose history
says what servicecoach had given. Either way the corrected score is a human judgement
that counts in the labels and the AI-vs-human figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, func, select, true, update

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.model import ReviewKind
from servicecoach.store.filters import Scope, ScopeKind
from servicecoach.store.reviews import (
    change_score,
    conversation_owner,
    get_review,
    list_reviews,
    save_review,
)
from servicecoach.store.schema import conversations, disputes, skill_scores
from servicecoach.store.scores import skill_order

__all__ = [
    "MAX_REASON",
    "Dispute",
    "DisputeStatus",
    "dispute_counts",
    "get_dispute",
    "list_disputes",
    "mark_seen",
    "raise_dispute",
    "resolve_dispute",
    "unread_count",
]

MAX_REASON = 2000
"""The longest reason or reply, in characters."""


class DisputeStatus(StrEnum):
    """Where a dispute stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Dispute:
    """One dispute of one skill's score.

    Attributes:
        review_id: the disputed review; ``None``: servicecoach's automatic score.
        run: the analysis run of an automatic score.
        disputed_score: the score when disputed (``None``: not applicable or unscored).
        proposed_score: what the agent thinks it should be, if they said.
        new_score: the score after an accepted dispute.
        seen_at: when the agent marked the decision read (``None``: open or unread).
    """

    id: int
    conversation_id: int
    conversation: str
    review_id: int | None
    run: int | None
    skill: str
    disputed_score: int | None
    proposed_score: int | None
    reason: str
    agent: str | None
    team: str | None
    raised_by: str
    raised_at: datetime
    status: DisputeStatus
    resolved_by: str | None
    resolved_at: datetime | None
    reply: str | None
    new_score: int | None
    seen_at: datetime | None = None

    @property
    def is_new(self) -> bool:
        """Decided, and the agent has not marked the decision read yet."""
        return self.status is not DisputeStatus.OPEN and self.seen_at is None

    @property
    def target(self) -> str:
        """``review N`` or ``automatic score`` (for lists)."""
        return f"review {self.review_id}" if self.review_id is not None else "automatic score"

    def to_dict(self) -> dict[str, Any]:
        """The API's JSON shape."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "conversation": self.conversation,
            "review_id": self.review_id,
            "run": self.run,
            "skill": self.skill,
            "disputed_score": self.disputed_score,
            "proposed_score": self.proposed_score,
            "reason": self.reason,
            "agent": self.agent,
            "team": self.team,
            "raised_by": self.raised_by,
            "raised_at": self.raised_at.isoformat(),
            "status": self.status.value,
            "resolved_by": self.resolved_by,
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "reply": self.reply,
            "new_score": self.new_score,
            "seen_at": self.seen_at.isoformat() if self.seen_at else None,
        }


def _scope(scope: Scope) -> ColumnElement[bool]:
    if scope.kind is ScopeKind.ALL:
        return true()
    if scope.kind is ScopeKind.TEAM:
        return disputes.c.team == scope.value
    if scope.kind is ScopeKind.AGENT:
        return disputes.c.agent == scope.value
    return false()


def _text(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ConfigError(f"give a {what}")
    if len(text) > MAX_REASON:
        raise ConfigError(f"the {what} is longer than {MAX_REASON} characters: shorten it")
    return text


def _score(value: int | None, what: str) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise ConfigError(f"the {what} must be a score from 0 to 100")
    return value


def _automatic(connection: Connection, run: int, pk: int, skill: str) -> int | None:
    s = skill_scores.c
    value = connection.execute(
        select(s.score).where(s.run_id == run, s.conversation_id == pk, s.skill == skill)
    ).scalar_one_or_none()
    return None if value is None else int(value)


def _stored_skill(connection: Connection, run: int | None, pk: int, skill: str) -> bool:
    """Whether ``run`` stored a row of ``skill`` for the conversation (a skill whose
    plugin is no longer installed can still be disputed)."""
    s = skill_scores.c
    found = select(s.skill).where(s.run_id == run, s.conversation_id == pk, s.skill == skill)
    return run is not None and connection.execute(found).first() is not None


def raise_dispute(
    connection: Connection,
    scope: Scope,
    *,
    conversation_id: int,
    skill: str,
    reason: str,
    raised_by: str,
    review_id: int | None = None,
    proposed_score: int | None = None,
) -> Dispute:
    """An agent disputes ``skill``'s score of their conversation (in ``review_id``, or
    servicecoach's automatic score).

    Raises:
        NotFoundError: not the agent's conversation, or no such review of it.
        ConfigError: not an agent, an unknown skill, no reason, a review that gave the
            skill no score, or the same dispute already open.
    """
    if scope.kind is not ScopeKind.AGENT:
        raise ConfigError("disputes are raised by the agent whose conversation it is")
    reason = _text(reason, "reason")
    proposed_score = _score(proposed_score, "proposed score")
    owner = conversation_owner(connection, conversation_id)
    if owner.agent is None or owner.agent != scope.value:
        raise NotFoundError(f"no conversation {conversation_id} in your view")
    known = skill_order()
    if skill not in known and not _stored_skill(connection, owner.run, conversation_id, skill):
        raise ConfigError(f"{skill!r} is not a skill (one of {', '.join(known)})")
    run: int | None = None
    if review_id is not None:
        review = get_review(connection, scope, review_id)
        if review.conversation_id != conversation_id:
            raise NotFoundError(f"no review {review_id} of conversation {conversation_id}")
        if skill not in review.scores:
            raise ConfigError(f"review {review_id} gave no score for {skill}: nothing to dispute")
        disputed = review.scores[skill]
    else:
        run = owner.run
        disputed = _automatic(connection, run, conversation_id, skill) if run else None
    same = select(disputes.c.id).where(
        disputes.c.conversation_id == conversation_id,
        disputes.c.skill == skill,
        disputes.c.raised_by == raised_by,
        disputes.c.status == DisputeStatus.OPEN.value,
        disputes.c.review_id == review_id
        if review_id is not None
        else disputes.c.review_id.is_(None),
    )
    if connection.execute(same).first() is not None:
        raise ConfigError(
            f"you already dispute this {skill.replace('_', ' ')} score: wait for the answer"
        )
    result = connection.execute(
        disputes.insert().values(
            conversation_id=conversation_id,
            review_id=review_id,
            run_id=run,
            skill=skill,
            disputed_score=disputed,
            proposed_score=proposed_score,
            reason=reason,
            agent=owner.agent,
            team=owner.team,
            raised_by=raised_by,
            raised_at=datetime.now(UTC),
            status=DisputeStatus.OPEN.value,
        )
    )
    return get_dispute(connection, scope, int(result.inserted_primary_key[0]))  # type: ignore[index]


def _query() -> Any:
    return select(disputes, conversations.c.external_id).join(
        conversations, conversations.c.id == disputes.c.conversation_id
    )


def _dispute(row: Any) -> Dispute:
    return Dispute(
        id=row.id,
        conversation_id=row.conversation_id,
        conversation=row.external_id,
        review_id=row.review_id,
        run=row.run_id,
        skill=row.skill,
        disputed_score=row.disputed_score,
        proposed_score=row.proposed_score,
        reason=row.reason,
        agent=row.agent,
        team=row.team,
        raised_by=row.raised_by,
        raised_at=row.raised_at,
        status=DisputeStatus(row.status),
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        reply=row.reply,
        new_score=row.new_score,
        seen_at=row.seen_at,
    )


def get_dispute(connection: Connection, scope: Scope, dispute_id: int) -> Dispute:
    """One dispute in ``scope``.

    Raises:
        NotFoundError: no such dispute in ``scope``.
    """
    row = connection.execute(_query().where(disputes.c.id == dispute_id, _scope(scope))).first()
    if row is None:
        raise NotFoundError(f"no dispute {dispute_id} in your view")
    return _dispute(row)


def list_disputes(
    connection: Connection,
    scope: Scope,
    *,
    conversation_id: int | None = None,
    status: DisputeStatus | None = None,
    limit: int = 200,
) -> list[Dispute]:
    """Disputes in ``scope``: open ones first, then newest first."""
    query = _query().where(_scope(scope))
    if conversation_id is not None:
        query = query.where(disputes.c.conversation_id == conversation_id)
    if status is not None:
        query = query.where(disputes.c.status == status.value)
    query = query.order_by(disputes.c.raised_at.desc(), disputes.c.id.desc()).limit(limit)
    found = [_dispute(row) for row in connection.execute(query)]
    return sorted(found, key=lambda d: d.status is not DisputeStatus.OPEN)


def resolve_dispute(
    connection: Connection,
    scope: Scope,
    dispute_id: int,
    *,
    accept: bool,
    resolved_by: str,
    reply: str = "",
    new_score: int | None = None,
    rubric_version: str = "",
) -> Dispute:
    """Accept (with the new score) or reject (with a reply) an open dispute.

    Raises:
        NotFoundError: no such dispute in a lead's or admin's ``scope``.
        ConfigError: already resolved, no new score to accept with, or no reply to a
            rejection.
    """
    if scope.kind not in (ScopeKind.ALL, ScopeKind.TEAM):
        raise NotFoundError(f"no dispute {dispute_id} in your view")
    dispute = get_dispute(connection, scope, dispute_id)
    if dispute.status is not DisputeStatus.OPEN:
        raise ConfigError(f"dispute {dispute_id} is already {dispute.status.value}")
    if accept:
        new_score = _score(
            new_score if new_score is not None else dispute.proposed_score, "new score"
        )
        if new_score is None:
            raise ConfigError("give the new score (0 to 100) to accept the dispute")
        reply = reply.strip()[:MAX_REASON]
        _apply(connection, dispute, new_score, resolved_by, rubric_version)
    else:
        reply = _text(reply, "reply saying why the score stands")
        new_score = None
    connection.execute(
        update(disputes)
        .where(disputes.c.id == dispute_id)
        .values(
            status=(DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED).value,
            resolved_by=resolved_by,
            resolved_at=datetime.now(UTC),
            reply=reply or None,
            new_score=new_score,
            seen_at=None,
        )
    )
    return get_dispute(connection, scope, dispute_id)


def _apply(
    connection: Connection, dispute: Dispute, new_score: int, by: str, rubric_version: str
) -> None:
    if dispute.review_id is not None:
        change_score(
            connection, dispute.review_id, dispute.skill, new_score, by, dispute_id=dispute.id
        )
        return
    earlier = list_reviews(
        connection, Scope.everything(), conversation_id=dispute.conversation_id,
        reviewer=by, kinds=[ReviewKind.DISPUTE],
    )  # fmt: skip
    scores = dict(earlier[0].scores) if earlier else {}
    scores.pop(dispute.skill, None)
    review = save_review(
        connection, Scope.everything(), conversation_id=dispute.conversation_id, reviewer=by,
        rubric_version=rubric_version or (earlier[0].rubric_version if earlier else "unknown"),
        scores=scores, kind=ReviewKind.DISPUTE,
        comment=f"Corrects servicecoach's {dispute.skill.replace('_', ' ')} score after a dispute.",
    )  # fmt: skip
    change_score(
        connection, review.id, dispute.skill, new_score, by,
        dispute_id=dispute.id, old_score=dispute.disputed_score,
    )  # fmt: skip


def dispute_counts(connection: Connection, scope: Scope) -> dict[str, dict[str, int]]:
    """Per skill, how many disputes are open, accepted and rejected (most disputed first):
    where the rubric may be unclear."""
    counts: dict[str, dict[str, int]] = {}
    rows: Sequence[Any] = connection.execute(
        select(disputes.c.skill, disputes.c.status).where(_scope(scope))
    ).all()
    for row in rows:
        by = counts.setdefault(row.skill, {s.value: 0 for s in DisputeStatus})
        by[row.status] += 1
    return dict(sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0])))


_DECIDED = (DisputeStatus.ACCEPTED.value, DisputeStatus.REJECTED.value)


def unread_count(connection: Connection, scope: Scope) -> int:
    """How many disputes wait for the viewer: for an agent, their decided disputes not
    marked read yet; for a lead or an admin, the open disputes of ``scope``."""
    waiting: ColumnElement[bool]
    if scope.kind is ScopeKind.AGENT:
        waiting = disputes.c.status.in_(_DECIDED) & disputes.c.seen_at.is_(None)
    else:
        waiting = disputes.c.status == DisputeStatus.OPEN.value
    query = select(func.count()).select_from(disputes).where(_scope(scope), waiting)
    return int(connection.execute(query).scalar_one())


def mark_seen(
    connection: Connection,
    scope: Scope,
    dispute_id: int | None = None,
    *,
    at: datetime | None = None,
) -> int:
    """The agent marks the decision of ``dispute_id`` (default: of all their decided
    disputes) read; returns how many were new. Idempotent: a decision already read keeps
    its first ``seen_at``, and an open dispute is left as it is (nothing to read yet).

    Raises:
        NotFoundError: not an agent, or no such dispute of theirs.
    """
    if scope.kind is not ScopeKind.AGENT:
        what = f"dispute {dispute_id}" if dispute_id is not None else "dispute"
        raise NotFoundError(f"no {what} of yours: only the agent who disputed marks it read")
    where = [_scope(scope), disputes.c.status.in_(_DECIDED), disputes.c.seen_at.is_(None)]
    if dispute_id is not None:
        get_dispute(connection, scope, dispute_id)
        where.append(disputes.c.id == dispute_id)
    result = connection.execute(
        update(disputes).where(*where).values(seen_at=at or datetime.now(UTC))
    )
    return int(result.rowcount)
