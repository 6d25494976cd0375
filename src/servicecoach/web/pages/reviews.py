"""``/reviews`` and ``/conversations/{id}/review``: human review in the web app.

A reviewer (an admin, or a lead within their team) opens a conversation's review page,
scores each skill (0-100, or not applicable), marks each highlighted signal agree or
wrong, adds the signals servicecoach missed by selecting their words (the page's script
fills the form from the selection; without JavaScript the reviewer types the words),
and comments. Saving again updates their review. The page also lists the reviews of the
conversation the viewer may see, with each score's history; agents read the reviews of
their own conversations there and dispute them (``web.pages.disputes``).

In a calibration session (``?calibration=ID``) the page is blind: servicecoach's scores
and the other reviews are hidden; ``&agreed=1`` is the lead's form for the session's
agreed answer, which shows every reviewer's score beside each skill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from servicecoach.analysis.signals import signal_meanings
from servicecoach.analysis.skills import FAMILY_SKILL, skill_names
from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.model import Review, ReviewKind
from servicecoach.review.rubric_version import rubric_version_of_file
from servicecoach.server.state import ServiceState, State
from servicecoach.store.calibration import (
    CalibrationSession,
    get_session,
    results_visible,
    session_reviews,
)
from servicecoach.store.filters import Scope
from servicecoach.store.reviews import list_reviews, review_history, save_review
from servicecoach.web.auth import PageViewer, Viewer, require_role, verify_csrf
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.conversation_view import ConversationView, load_conversation
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.review_extras import review_extras
from servicecoach.web.pages.review_form import (
    FormError,
    FormState,
    highlight_refs,
    message_texts,
    read_form,
)
from servicecoach.web.pages.review_hub import hub_context
from servicecoach.web.pages.templating import render

__all__ = [
    "Mode",
    "hub_page",
    "review_mode",
    "review_page",
    "reviews_page",
    "router",
    "save_review_page",
    "service_rubric",
]

router = APIRouter(include_in_schema=False)
ReviewerViewer = Annotated[Viewer, Depends(require_role("admin", "lead", page=True))]

_RUBRIC = "review.rubric_version"


def service_rubric(state: ServiceState) -> str:
    """The version of the rubric the service scores with (read once per process)."""
    version = state.extras.get(_RUBRIC)
    if not isinstance(version, str):
        version = state.extras[_RUBRIC] = rubric_version_of_file(state.settings.rubric)
    return version


@dataclass(frozen=True, slots=True)
class Mode:
    """Which review the page is for: an ordinary one, a blind calibration review, or a
    session's agreed answer."""

    kind: ReviewKind
    session: CalibrationSession | None = None

    @property
    def query(self) -> str:
        """The page's query string for this mode ('' for an ordinary review)."""
        if self.session is None:
            return ""
        params = {"calibration": str(self.session.id)}
        if self.kind is ReviewKind.AGREED:
            params["agreed"] = "1"
        return "?" + urlencode(params)

    @property
    def blind(self) -> bool:
        """Whether servicecoach's scores and other reviews are hidden."""
        return self.kind is ReviewKind.CALIBRATION


def review_mode(
    connection: Connection, viewer: Viewer, pk: int, calibration: str | None, agreed: str | None
) -> Mode:
    """The mode of a review of conversation ``pk`` (``calibration``: a session id).

    Raises:
        NotFoundError: no such session in the viewer's scope, the conversation is not in
            it, the viewer is not its reviewer, or (agreed) has not scored it all yet.
    """
    if not calibration:
        return Mode(ReviewKind.REVIEW)
    if not calibration.isdigit() or viewer.role == "agent":
        raise NotFoundError("no such calibration session in your view")
    session = get_session(connection, viewer.scope, int(calibration))
    if pk not in session.conversations:
        raise NotFoundError(f"conversation {pk} is not in calibration session {session.id}")
    if agreed:
        done = {
            r.conversation_id
            for r in session_reviews(connection, session, [ReviewKind.CALIBRATION])
            if r.reviewer == viewer.username
        }
        if not results_visible(session, viewer.username, done):
            raise NotFoundError("score every conversation of the session before the agreed answer")
        return Mode(ReviewKind.AGREED, session)
    if viewer.username not in session.reviewers:
        raise NotFoundError(f"you are not a reviewer of calibration session {session.id}")
    return Mode(ReviewKind.CALIBRATION, session)


def _mine(connection: Connection, viewer: Viewer, pk: int, mode: Mode) -> Review | None:
    found = list_reviews(
        connection,
        Scope.everything(),
        conversation_id=pk,
        reviewer=viewer.username,
        kinds=[mode.kind],
        calibration_id=mode.session.id if mode.session else None,
    )
    return found[0] if found else None


def _context(
    connection: Connection, viewer: Viewer, view: ConversationView, mode: Mode
) -> dict[str, Any]:
    pk = view.stored.pk
    shown = [] if mode.blind else list_reviews(connection, viewer.scope, conversation_id=pk)
    history = {r.id: review_history(connection, r.id) for r in shown}
    panel: dict[str, dict[str, int | None]] = {}
    if mode.kind is ReviewKind.AGREED and mode.session is not None:
        by = {
            r.reviewer: dict(r.scores)
            for r in session_reviews(connection, mode.session, [ReviewKind.CALIBRATION])
            if r.conversation_id == pk
        }
        panel = {name: by[name] for name in mode.session.reviewers if name in by}
    return {
        "view": view,
        "chat": view.stored.conversation,
        "mode": mode,
        "refs": highlight_refs(view),
        "reviews": shown,
        "history": history,
        "panel": panel,
        "skills": skill_names(),
        "signals": _missable(view),
        "can_review": viewer.role in ("admin", "lead"),
        **review_extras(connection, viewer, view),
    }


def _missable(view: ConversationView) -> list[str]:
    """The signals a reviewer may mark missed: the documented vocabulary, the rubric's
    criteria on this conversation, and the signals of skills a plugin adds that fired."""
    builtin = set(FAMILY_SKILL)
    added = {
        h.signal
        for m in view.messages
        for h in m.highlights
        if h.signal.partition(".")[0] not in builtin and h.skill != "criteria"
    }
    criteria = {f"criteria.{c.name}" for c in view.criteria}
    return sorted(signal_meanings()) + sorted(criteria | added)


@router.get("/conversations/{conversation_id}/review", response_class=HTMLResponse)
def review_page(
    request: Request, state: State, viewer: PageViewer, conversation_id: int
) -> HTMLResponse:
    """The review form of one conversation (reviewers), and its reviews (everyone in scope)."""
    query = request.query_params
    with reading(state) as connection:
        try:
            view = load_conversation(
                connection, conversation_id, viewer.scope, rules=state.checker.rules
            )
            mode = review_mode(
                connection, viewer, conversation_id, query.get("calibration"), query.get("agreed")
            )
        except NotFoundError as exc:
            return error_page(request, viewer, 404, "Not found", str(exc))
        mine = _mine(connection, viewer, conversation_id, mode) if viewer.role != "agent" else None
        context = _context(connection, viewer, view, mode)
    return render(
        request,
        "review.html",
        viewer,
        active="reviews",
        form=FormState.from_review(mine),
        mine=mine,
        saved=query.get("saved") == "1",
        error=None,
        **context,
    )


@router.post(
    "/conversations/{conversation_id}/review",
    response_class=HTMLResponse,
    dependencies=[Depends(verify_csrf)],
)
async def save_review_page(
    request: Request, state: State, viewer: ReviewerViewer, conversation_id: int
) -> Response:
    """Save the viewer's review (a new one, or their earlier one updated)."""
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    with state.store.begin() as connection:
        try:
            view = load_conversation(
                connection, conversation_id, viewer.scope, rules=state.checker.rules
            )
            mode = review_mode(
                connection, viewer, conversation_id, form.get("calibration"), form.get("agreed")
            )
        except NotFoundError as exc:
            return error_page(request, viewer, 404, "Not found", str(exc))
        if mode.session is not None and mode.session.closed:
            return error_page(
                request, viewer, 409, "Session closed", "This calibration session is closed."
            )
        mine = _mine(connection, viewer, conversation_id, mode)
        try:
            _, scores, marks = read_form(form, message_texts(view), highlight_refs(view), mine)
            save_review(
                connection,
                viewer.scope,
                conversation_id=conversation_id,
                reviewer=viewer.username,
                rubric_version=service_rubric(state),
                scores=scores,
                signals=marks,
                comment=form.get("comment", ""),
                kind=mode.kind,
                calibration_id=mode.session.id if mode.session else None,
            )
        except FormError as exc:
            context = _context(connection, viewer, view, mode)
            return render(
                request, "review.html", viewer, active="reviews", status_code=400,
                form=exc.state, mine=mine, saved=False, error=str(exc), **context,
            )  # fmt: skip
        except ConfigError as exc:
            context = _context(connection, viewer, view, mode)
            return render(
                request, "review.html", viewer, active="reviews", status_code=400,
                form=FormState.from_review(mine), mine=mine, saved=False, error=str(exc),
                **context,
            )  # fmt: skip
    target = f"/conversations/{conversation_id}/review{mode.query}"
    target += ("&" if "?" in target else "?") + "saved=1"
    return RedirectResponse(target, status_code=303)


@router.get("/reviews", response_class=HTMLResponse)
def reviews_page(request: Request, state: State, viewer: PageViewer) -> HTMLResponse:
    """The reviews hub: the viewer's queue and the latest reviews in their view."""
    return hub_page(request, state, viewer)


def hub_page(
    request: Request,
    state: ServiceState,
    viewer: Viewer,
    *,
    error: str | None = None,
    added: int | None = None,
) -> HTMLResponse:
    """The hub, with an error (400) or the number of conversations just queued."""
    with reading(state) as connection:
        context = hub_context(connection, viewer)
    return render(
        request, "reviews.html", viewer, active="reviews", error=error, added=added,
        status_code=400 if error else 200, **context,
    )  # fmt: skip
