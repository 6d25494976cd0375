"""The counts beside the navigation's links: what waits for the viewer, on every page.

Today one link has one: **Disputes** shows a lead's or admin's open disputes (waiting for
a decision) and an agent's decisions they have not marked read
(``store.disputes.unread_count``). Counting is one indexed query on a read connection per
page; it never writes. A store that cannot be read just now (locked, gone) costs the
badge, not the page, which then says what went wrong itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.exc import OperationalError

from servicecoach.server.state import ServiceState
from servicecoach.store.disputes import unread_count
from servicecoach.web.auth import Viewer

__all__ = ["Badge", "nav_badges"]


@dataclass(frozen=True, slots=True)
class Badge:
    """A count beside one link, and what it counts in words (its tooltip and label)."""

    count: int
    says: str


def _disputes(viewer: Viewer, count: int) -> Badge:
    if viewer.role == "agent":
        return Badge(count, f"{count} new {'answer' if count == 1 else 'answers'} to your disputes")
    return Badge(count, f"{count} {'dispute' if count == 1 else 'disputes'} waiting for you")


def nav_badges(request: Request, viewer: Viewer | None) -> dict[str, Badge]:
    """The badges per navigation key (``{"disputes": Badge(2, ...)}``) for ``viewer``;
    none where nothing waits."""
    state = getattr(request.app.state, "service", None)
    if viewer is None or not isinstance(state, ServiceState):
        return {}
    try:
        with state.store.connect() as connection:
            waiting = unread_count(connection, viewer.scope)
    except OperationalError:
        return {}
    return {"disputes": _disputes(viewer, waiting)} if waiting else {}
