"""The web app's HTML pages: routers, templates and static files.

:data:`PAGE_ROUTERS` holds every page router (added to the service's ``ROUTERS``);
:func:`static_files` is the ``/static`` mount (the stylesheet and the popover script,
served from the package: nothing is loaded from the internet).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from servicecoach.web.pages import (
    agents,
    calibration,
    contact_reasons,
    conversations,
    customers,
    disputes,
    imports,
    login,
    overview,
    practice,
    review_agreement,
    review_queue,
    reviews,
)

__all__ = ["PAGE_ROUTERS", "STATIC_PATH", "static_files"]

PAGE_ROUTERS: list[APIRouter] = [
    login.router,
    overview.router,
    agents.router,
    conversations.router,
    customers.router,
    contact_reasons.router,
    imports.router,
    practice.router,
    review_agreement.router,
    review_queue.router,
    reviews.router,
    calibration.router,
    disputes.router,
]
"""Every page router, in order."""

STATIC_PATH = "/static"
"""Where the static files are served."""


def static_files() -> StaticFiles:
    """The ``/static`` app: ``servicecoach/web/static``."""
    return StaticFiles(directory=str(files("servicecoach.web") / "static"))
