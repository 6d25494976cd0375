"""The page templates (Jinja2) and what every page shares: the nav for the viewer's role,
the CSRF token, and the filters that format numbers, times and skill names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from servicecoach.web.auth import Viewer, csrf_token
from servicecoach.web.pages.nav_badges import nav_badges

__all__ = ["TEMPLATES", "NavItem", "can_import", "can_note", "nav_for", "render"]

TEMPLATES = Jinja2Templates(directory=str(files("servicecoach.web") / "templates"))
"""The page templates (``servicecoach/web/templates``), autoescaped."""


@dataclass(frozen=True, slots=True)
class NavItem:
    """One link of the navigation bar."""

    href: str
    label: str
    key: str


def can_import(viewer: Viewer) -> bool:
    """Whether the viewer may import files (admins and leads)."""
    return viewer.role in ("admin", "lead")


def can_note(viewer: Viewer) -> bool:
    """Whether the viewer may add coaching notes (admins and leads)."""
    return viewer.role in ("admin", "lead")


def nav_for(viewer: Viewer) -> list[NavItem]:
    """The links the viewer's role can use, in order."""
    items = [NavItem("/", "Overview", "overview")]
    if viewer.role == "agent":
        if viewer.agent:
            items.append(NavItem(f"/agents/{viewer.agent}", "My scorecard", "agents"))
    else:
        items.append(NavItem("/agents", "Agents", "agents"))
    items.append(NavItem("/conversations", "Conversations", "conversations"))
    items.append(NavItem("/reasons", "Contact reasons", "reasons"))
    items.append(NavItem("/practice", "Practice", "practice"))
    items.append(NavItem("/reviews", "Reviews", "reviews"))
    items.append(NavItem("/disputes", "Disputes", "disputes"))
    if can_import(viewer):
        items.append(NavItem("/import", "Import", "import"))
    return items


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 90:
        return f"{value:.0f} s"
    if value < 5400:
        return f"{value / 60:.0f} min"
    if value < 172800:
        return f"{value / 3600:.1f}".removesuffix(".0") + " h"
    return f"{value / 86400:.1f}".removesuffix(".0") + " d"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _skill(name: str) -> str:
    from servicecoach.analysis.skills import skill_label

    return skill_label(name)


def _band(value: float | None) -> str:
    if value is None:
        return "na"
    return "good" if value >= 75 else "fair" if value >= 50 else "poor"


_ENV = TEMPLATES.env
_ENV.filters.update(seconds=_seconds, score=_score, pct=_pct, when=_when, skill=_skill, band=_band)


def render(
    request: Request,
    template: str,
    viewer: Viewer | None,
    *,
    active: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered for ``viewer`` with the nav (and its badges), the CSRF token
    and ``context``."""
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "nav": nav_for(viewer) if viewer is not None else [],
            "badges": nav_badges(request, viewer) if status_code < 500 else {},
            "active": active,
            "csrf": csrf_token(request),
            "can_import": viewer is not None and can_import(viewer),
            "can_note": viewer is not None and can_note(viewer),
            **context,
        },
        status_code=status_code,
    )
