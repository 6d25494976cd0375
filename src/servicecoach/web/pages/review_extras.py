"""What the review page shows besides the form: the conversation's disputes the viewer
may see (``store.disputes``), so that an agent and their lead read the same story beside
the reviews, and for the agent the scores they can dispute."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from servicecoach.store.disputes import list_disputes
from servicecoach.web.auth import Viewer
from servicecoach.web.pages.conversation_view import ConversationView

__all__ = ["review_extras"]


def review_extras(connection: Connection, viewer: Viewer, view: ConversationView) -> dict[str, Any]:
    """The extra context of the review page: ``disputes`` of the conversation and
    ``can_dispute`` (the agent whose conversation it is)."""
    agent = view.metrics.agent if view.metrics is not None else None
    return {
        "disputes": list_disputes(connection, viewer.scope, conversation_id=view.stored.pk),
        "can_dispute": viewer.role == "agent" and agent is not None and agent == viewer.agent,
    }
