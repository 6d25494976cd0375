"""The web app's REST API: ``/v1`` routes over the dashboard data, for browsers and tokens.

Every route takes the viewer from :func:`servicecoach.web.auth.api_viewer` (a session
cookie or an API token) and passes the viewer's scope to the store's queries, so an
agent reaches only their own conversations and a lead only their team's. Routers:
:mod:`~.conversations` (list, export, one conversation), :mod:`~.people` (customer
timelines, agents, scorecards, coaching notes), :mod:`~.overview` (team overview, wider
issues) and :mod:`~.imports` (uploads imported in the background).
"""

from __future__ import annotations

from fastapi import APIRouter

from servicecoach.web.api import (
    calibration,
    conversations,
    disputes,
    imports,
    overview,
    people,
    review_agreement,
    review_queue,
    reviews,
)

__all__ = ["API_ROUTERS"]

API_ROUTERS: list[APIRouter] = [
    conversations.router,
    people.router,
    overview.router,
    imports.router,
    review_agreement.router,
    review_queue.router,
    reviews.router,
    calibration.router,
    disputes.router,
]
"""The web app's ``/v1`` routers, in order (``servicecoach.server.app.ROUTERS`` includes them)."""
