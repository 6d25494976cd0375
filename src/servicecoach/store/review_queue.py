"""Reviewers' queues in the store: a lead samples conversations for a reviewer by a
strategy (``review.sampling``), and the reviewer works through them.

The candidates are the conversations of the latest finished run in the lead's scope
(the :data:`POOL` most recent), less those the reviewer has reviewed or has queued
already. An item is done once the reviewer has saved any review of its conversation.
A lead sees and fills the queues of their team (reviewers: admins and the team's leads);
an admin everyone's; a reviewer always sees their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.sampling import Candidate, Strategy, sample
from servicecoach.store.calibration import eligible_reviewers
from servicecoach.store.conversation_list import ConversationRow, list_conversations
from servicecoach.store.filters import Filters, Scope, ScopeKind
from servicecoach.store.schema import conversations, messages, review_assignments, reviews
from servicecoach.store.users import get_user

__all__ = [
    "MAX_FILL",
    "POOL",
    "QueueItem",
    "candidates",
    "fill_queue",
    "queue_items",
    "remove_item",
]

POOL = 2000
"""How many of the latest conversations in scope a strategy chooses from."""
MAX_FILL = 50
"""The most conversations one fill adds."""


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One conversation in a reviewer's queue."""

    id: int
    reviewer: str
    conversation_id: int
    conversation: str
    strategy: str
    why: str
    team: str | None
    assigned_by: str
    assigned_at: datetime
    done: bool

    def to_dict(self) -> dict[str, Any]:
        """The API's JSON shape."""
        return {
            "id": self.id,
            "reviewer": self.reviewer,
            "conversation_id": self.conversation_id,
            "conversation": self.conversation,
            "strategy": self.strategy,
            "why": self.why,
            "team": self.team,
            "assigned_by": self.assigned_by,
            "assigned_at": self.assigned_at.isoformat(),
            "done": self.done,
        }


def _questions(connection: Connection, pks: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for start in range(0, len(pks), 500):
        rows = connection.execute(
            select(messages.c.conversation_id, messages.c.text).where(
                messages.c.conversation_id.in_(pks[start : start + 500]),
                messages.c.role == "customer",
            )
        )
        for row in rows:
            counts[row.conversation_id] = counts.get(row.conversation_id, 0) + row.text.count("?")
    return counts


def _human(connection: Connection, pks: Sequence[int]) -> dict[int, dict[str, list[int]]]:
    found: dict[int, dict[str, list[int]]] = {}
    for start in range(0, len(pks), 500):
        rows = connection.execute(
            select(reviews.c.conversation_id, reviews.c.scores).where(
                reviews.c.conversation_id.in_(pks[start : start + 500])
            )
        )
        for row in rows:
            by = found.setdefault(row.conversation_id, {})
            for skill, score in (row.scores or {}).items():
                if score is not None:
                    by.setdefault(skill, []).append(int(score))
    return found


def _taken(connection: Connection, reviewer: str) -> set[int]:
    queued = select(review_assignments.c.conversation_id).where(
        review_assignments.c.reviewer == reviewer
    )
    reviewed = select(reviews.c.conversation_id).where(reviews.c.reviewer == reviewer)
    return {int(pk) for pk in connection.execute(queued).scalars()} | {
        int(pk) for pk in connection.execute(reviewed).scalars()
    }


def _pool(
    connection: Connection, scope: Scope, reviewer: str
) -> tuple[list[Candidate], dict[int, str | None]]:
    rows: tuple[ConversationRow, ...] = ()
    try:
        while len(rows) < POOL:
            page = list_conversations(connection, Filters(), scope, limit=500, offset=len(rows))
            rows += page.rows
            if len(page.rows) < 500:
                break
    except NotFoundError:
        return [], {}
    taken = _taken(connection, reviewer)
    rows = tuple(r for r in rows if r.conversation_id not in taken)
    pks = [r.conversation_id for r in rows]
    questions = _questions(connection, pks)
    human = _human(connection, pks)
    found = [
        Candidate(
            conversation_id=r.conversation_id,
            agent=r.agent,
            quality=r.quality,
            skills={k: v for k, v in r.scores.items() if v is not None},
            messages=r.messages,
            questions=questions.get(r.conversation_id, 0),
            emotion_end=r.emotion_end,
            reviewed=human.get(r.conversation_id, {}),
        )
        for r in rows
    ]
    return found, {r.conversation_id: r.team for r in rows}


def candidates(connection: Connection, scope: Scope, reviewer: str) -> list[Candidate]:
    """The conversations ``reviewer`` could be given, with what strategies rank by."""
    return _pool(connection, scope, reviewer)[0]


def fill_queue(
    connection: Connection,
    scope: Scope,
    *,
    reviewer: str,
    strategy: Strategy,
    count: int,
    assigned_by: str,
    seed: int | None = None,
) -> list[QueueItem]:
    """Add up to ``count`` conversations to ``reviewer``'s queue by ``strategy``.

    Returns the items added (fewer when fewer candidates fit the strategy).

    Raises:
        ConfigError: a count outside 1 to :data:`MAX_FILL`, or a reviewer who may not
            review this scope.
    """
    if not 1 <= count <= MAX_FILL:
        raise ConfigError(f"queue between 1 and {MAX_FILL} conversations at a time")
    if reviewer not in eligible_reviewers(connection, scope):
        raise ConfigError(
            f"{reviewer!r} cannot review these conversations (reviewers are admins and the "
            "team's leads)"
        )
    user = get_user(connection, reviewer)
    if user.role == "lead" and user.team:
        scope = Scope.team(user.team)  # a lead is only given their own team's conversations
    pool, teams = _pool(connection, scope, reviewer)
    picks = sample(pool, strategy, count, seed=seed if seed is not None else _seed())
    now = datetime.now(UTC)
    for pick in picks:
        connection.execute(
            review_assignments.insert().values(
                reviewer=reviewer,
                conversation_id=pick.conversation_id,
                strategy=strategy.value,
                why=pick.why[:300],
                team=teams.get(pick.conversation_id),
                assigned_by=assigned_by,
                assigned_at=now,
            )
        )
    added = {p.conversation_id for p in picks}
    items = queue_items(connection, scope, reviewer=reviewer)
    return [i for i in items if i.conversation_id in added]


def _seed() -> int:
    return int(datetime.now(UTC).timestamp())


def queue_items(
    connection: Connection, scope: Scope, *, reviewer: str | None = None
) -> list[QueueItem]:
    """Queue items in ``scope`` (a lead: their team's; ``reviewer``: one reviewer's), open
    ones first, oldest first."""
    query = select(review_assignments, conversations.c.external_id).join(
        conversations, conversations.c.id == review_assignments.c.conversation_id
    )
    if scope.kind is ScopeKind.TEAM:
        query = query.where(review_assignments.c.team == scope.value)
    elif scope.kind is not ScopeKind.ALL:
        return []
    if reviewer is not None:
        query = query.where(review_assignments.c.reviewer == reviewer)
    rows = connection.execute(query.order_by(review_assignments.c.id)).all()
    done: set[tuple[str, int]] = set()
    pks = sorted({row.conversation_id for row in rows})
    for start in range(0, len(pks), 500):
        query_done = select(reviews.c.reviewer, reviews.c.conversation_id).where(
            reviews.c.conversation_id.in_(pks[start : start + 500])
        )
        done.update((r.reviewer, r.conversation_id) for r in connection.execute(query_done))
    items = [
        QueueItem(
            id=row.id,
            reviewer=row.reviewer,
            conversation_id=row.conversation_id,
            conversation=row.external_id,
            strategy=row.strategy,
            why=row.why,
            team=row.team,
            assigned_by=row.assigned_by,
            assigned_at=row.assigned_at,
            done=(row.reviewer, row.conversation_id) in done,
        )
        for row in rows
    ]
    return sorted(items, key=lambda i: (i.done, i.id))


def remove_item(connection: Connection, scope: Scope, item_id: int) -> None:
    """Take one conversation out of a queue.

    Raises:
        NotFoundError: no such item in ``scope``.
    """
    if item_id not in {i.id for i in queue_items(connection, scope)}:
        raise NotFoundError(f"no queue item {item_id} in your view")
    connection.execute(delete(review_assignments).where(review_assignments.c.id == item_id))
