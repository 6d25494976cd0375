"""What the review page shows besides the form: the disputes of the conversation the
viewer may see (``store.disputes``), so that an agent and their lead read the same
story beside the reviews."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from servicecoach.web.auth import Viewer
from servicecoach.web.pages.conversation_view import ConversationView

__all__ = ["review_extras"]


def review_extras(connection: Connection, viewer: Viewer, view: ConversationView) -> dict[str, Any]:
    """The extra context of the review page (``disputes``)."""
    return {"disputes": []}
