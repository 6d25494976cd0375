"""The context of ``/reviews``: the viewer's queue, their team's queues and the form to
fill one (leads and admins), the latest reviews in their view, and how many disputes
wait (for a lead: to be answered; for an agent: for an answer)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from servicecoach.review.sampling import Strategy
from servicecoach.store.calibration import eligible_reviewers
from servicecoach.store.disputes import DisputeStatus, list_disputes
from servicecoach.store.filters import Scope
from servicecoach.store.review_queue import MAX_FILL, queue_items
from servicecoach.store.reviews import list_reviews
from servicecoach.web.auth import Viewer

__all__ = ["HUB_LIMIT", "hub_context"]

HUB_LIMIT = 50
"""Reviews listed on the hub."""


def hub_context(connection: Connection, viewer: Viewer) -> dict[str, Any]:
    """The hub's context: ``recent`` reviews, ``waiting`` disputes, and for reviewers
    ``queue`` (their own), ``team_queue`` (per reviewer: open and done), ``reviewers``
    and ``strategies`` (the fill form)."""
    context: dict[str, Any] = {
        "recent": list_reviews(connection, viewer.scope, limit=HUB_LIMIT),
        "waiting": len(list_disputes(connection, viewer.scope, status=DisputeStatus.OPEN)),
        "queue": [],
        "team_queue": {},
        "reviewers": [],
        "strategies": list(Strategy),
        "max_fill": MAX_FILL,
    }
    if viewer.role in ("admin", "lead"):
        context["queue"] = queue_items(connection, Scope.everything(), reviewer=viewer.username)
        summary: dict[str, dict[str, int]] = {}
        for item in queue_items(connection, viewer.scope):
            by = summary.setdefault(item.reviewer, {"open": 0, "done": 0})
            by["done" if item.done else "open"] += 1
        context["team_queue"] = summary
        context["reviewers"] = eligible_reviewers(connection, viewer.scope)
    return context
