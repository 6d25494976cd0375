"""``/conversations``: the list (sorted, filtered, paginated, with export links) and
``/conversations/{id}``: the thread with its evidence highlighted."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from servicecoach.analysis.skills import skill_names
from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.server.state import State
from servicecoach.store.conversation_list import SORTS, list_conversations
from servicecoach.web.auth import PageViewer
from servicecoach.web.pages.common import error_page, filter_menus
from servicecoach.web.pages.conversation_view import load_conversation
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.languages import language_name, not_scored_languages
from servicecoach.web.pages.query import read_filters
from servicecoach.web.pages.templating import render
from servicecoach.web.pages.views import EMOTION_COLORS

__all__ = ["PAGE_SIZE", "conversation_page", "conversations_page", "router"]

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
"""Rows per page of the list."""

_COLUMNS = (
    ("started_at", "started"),
    ("channel", "channel"),
    ("agent", "agent"),
    ("messages", "messages"),
    ("first_response_s", "first reply"),
    ("quality", "quality"),
    ("satisfaction", "satisfaction"),
)


@router.get("/conversations", response_class=HTMLResponse)
def conversations_page(request: Request, state: State, viewer: PageViewer) -> HTMLResponse:
    """The conversations in the viewer's scope, one page at a time."""
    form = read_filters(request, keep=("sort", "order", "page"))
    problems = list(form.problems)
    sort = form.values.get("sort", "started_at")
    if sort not in SORTS:
        problems.append(f"cannot sort by {sort!r}: sorted by start time")
        sort = "started_at"
    descending = form.values.get("order", "desc") != "asc"
    raw_page = form.values.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    with reading(state) as connection:
        menus = filter_menus(connection, viewer.scope, form)
        try:
            found = list_conversations(
                connection,
                form.filters,
                viewer.scope,
                sort=sort,
                descending=descending,
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
        except (NotFoundError, ConfigError) as exc:
            found, menus["empty"] = None, str(exc)
        unscored = (
            not_scored_languages(connection, found.run, [r.conversation_id for r in found.rows])
            if found is not None
            else {}
        )
    export = form.query(sort=None, order=None, page=None)
    return render(
        request,
        "conversations.html",
        viewer,
        active="conversations",
        found=found,
        page=page,
        pages=max(1, -(-found.total // PAGE_SIZE)) if found else 1,
        sort=sort,
        descending=descending,
        columns=_COLUMNS,
        skills=skill_names(),
        export=export,
        unscored=unscored,
        language_name=language_name,
        action="/conversations",
        extra_keys=("sort", "order"),
        problems=problems,
        **menus,
    )


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request, state: State, viewer: PageViewer, conversation_id: int
) -> HTMLResponse:
    """One conversation: every evidence span in place, skills and outcome beside it."""
    with reading(state) as connection:
        try:
            view = load_conversation(
                connection, conversation_id, viewer.scope, rules=state.checker.rules
            )
        except NotFoundError as exc:
            return error_page(request, viewer, 404, "Conversation not found", str(exc))
    return render(
        request,
        "conversation.html",
        viewer,
        active="conversations",
        view=view,
        chat=view.stored.conversation,
        emotion_colors=EMOTION_COLORS,
        language_name=language_name,
    )
