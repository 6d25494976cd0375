"""The context of ``/reviews``: the latest reviews in the viewer's view."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from servicecoach.store.reviews import list_reviews
from servicecoach.web.auth import Viewer

__all__ = ["HUB_LIMIT", "hub_context"]

HUB_LIMIT = 50
"""Reviews listed on the hub."""


def hub_context(connection: Connection, viewer: Viewer) -> dict[str, Any]:
    """The hub's context: ``recent`` reviews (newest first)."""
    return {"recent": list_reviews(connection, viewer.scope, limit=HUB_LIMIT)}
