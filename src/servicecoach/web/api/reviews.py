"""``/v1/reviews``: human reviews over the API, in the viewer's scope.

Reading follows ``store.reviews``: admins and tokens read every review, a lead their
team's, an agent those of their own conversations (never blind calibration reviews).
Writing a review is for admins and leads (and tokens), on conversations they may see;
the body is typed (:class:`ReviewIn`) and checked against the conversation: an
``agree`` or ``wrong`` verdict must name one of servicecoach's highlights (message,
start, end, signal), a ``missed`` one gives its words (``quote``, found in the message,
at ``start`` when given) or its span.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from servicecoach.errors import ConfigError
from servicecoach.review.model import Review, SignalMark, Verdict
from servicecoach.review.validate import (
    MAX_COMMENT,
    MAX_MARKS,
    check_mark,
    locate_quote,
    parse_scores,
)
from servicecoach.server.state import ServiceState, State
from servicecoach.store.reviews import get_review, list_reviews, review_history, save_review
from servicecoach.web.api.common import jsonable
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import ApiViewer, Viewer, require_role
from servicecoach.web.pages.conversation_view import load_conversation
from servicecoach.web.pages.review_form import highlight_refs, message_texts
from servicecoach.web.pages.reviews import review_mode, service_rubric

__all__ = [
    "ReviewIn",
    "SignalIn",
    "add_review",
    "one_review",
    "reviews",
    "router",
    "save_api_review",
]

router = APIRouter()

Reviewer = Annotated[Viewer, Depends(require_role("admin", "lead"))]


class SignalIn(BaseModel):
    """A verdict on one signal."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=255, description="The message id.")
    signal: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$", max_length=100, description="The signal id.")
    verdict: Literal["agree", "wrong", "missed"] = Field(
        description="agree / wrong (one of servicecoach's highlights) or missed (a new span)."
    )
    start: int | None = Field(default=None, ge=0, description="First character of the span.")
    end: int | None = Field(default=None, ge=0, description="One past its last character.")
    quote: str | None = Field(
        default=None, max_length=2000, description="The span's words (missed: found in the text)."
    )


class ReviewIn(BaseModel):
    """A review of one conversation (saving again replaces the viewer's earlier one)."""

    model_config = ConfigDict(extra="forbid")

    scores: dict[str, Annotated[int, Field(ge=0, le=100)] | None] = Field(
        default_factory=dict,
        description="Skill to a score 0-100, or null where the skill does not apply.",
    )
    signals: list[SignalIn] = Field(default_factory=list, max_length=MAX_MARKS)
    comment: str = Field(default="", max_length=MAX_COMMENT)


def _mark(item: SignalIn, texts: dict[str, str]) -> SignalMark:
    text = texts.get(item.message)
    if text is None:
        raise ConfigError(f"no message {item.message!r} in this conversation")
    verdict = Verdict(item.verdict)
    if verdict is Verdict.MISSED and item.quote:
        start, end = locate_quote(text, item.quote, item.start)
    elif item.start is None or item.end is None:
        raise ConfigError(
            f"signal {item.signal} in {item.message}: give start and end (or a quote)"
        )
    else:
        start, end = item.start, item.end
    return SignalMark(item.message, item.signal, verdict, start, end, text[start:end])


@router.get(
    "/v1/reviews",
    tags=["reviews"],
    summary="Reviews in the viewer's scope",
    responses={200: json_object("The reviews, newest first."), **API_ERRORS},
)
def reviews(
    state: State,
    viewer: ApiViewer,
    conversation_id: Annotated[int | None, Query(description="One conversation's reviews.")] = None,
    reviewer: Annotated[str | None, Query(description="One reviewer's reviews.")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many.")] = 100,
) -> JSONResponse:
    """Reviews (ordinary, agreed answers, dispute corrections) the viewer may read."""
    with state.store.connect() as connection:
        found = list_reviews(
            connection,
            viewer.scope,
            conversation_id=conversation_id,
            reviewer=reviewer,
            limit=limit,
        )
    return JSONResponse({"reviews": [r.to_dict() for r in found]})


@router.get(
    "/v1/reviews/{review_id}",
    tags=["reviews"],
    summary="One review with its score history",
    responses={200: json_object("The review and `history`."), **API_ERRORS},
)
def one_review(
    state: State, viewer: ApiViewer, review_id: Annotated[int, Path(description="The review.")]
) -> JSONResponse:
    """One review in scope, with every change of its scores (`history`)."""
    with state.store.connect() as connection:
        review = get_review(connection, viewer.scope, review_id)
        history = review_history(connection, review_id)
    return JSONResponse({**review.to_dict(), "history": jsonable(history)})


def save_api_review(
    state: ServiceState,
    viewer: Viewer,
    body: ReviewIn,
    conversation_id: int,
    *,
    calibration: int | None = None,
    agreed: bool = False,
) -> Review:
    """Save ``body`` as the viewer's review of a conversation (in a calibration session:
    their blind review, or with ``agreed`` the session's agreed answer).

    Raises:
        NotFoundError: the conversation or session is not in the viewer's scope.
        ConfigError: a verdict that does not fit the conversation.
    """
    with state.store.begin() as connection:
        view = load_conversation(
            connection, conversation_id, viewer.scope, rules=state.checker.rules
        )
        mode = review_mode(
            connection,
            viewer,
            conversation_id,
            str(calibration) if calibration is not None else None,
            "1" if agreed else None,
        )
        if mode.session is not None and mode.session.closed:
            raise ConfigError(f"calibration session {mode.session.id} is closed")
        texts = message_texts(view)
        marks = [_mark(item, texts) for item in body.signals]
        keys = {ref.key for ref in highlight_refs(view)}
        for mark in marks:
            check_mark(mark, texts, keys)
        return save_review(
            connection,
            viewer.scope,
            conversation_id=conversation_id,
            reviewer=viewer.username,
            rubric_version=service_rubric(state),
            scores=parse_scores(dict(body.scores)),
            signals=list({m.key: m for m in marks}.values()),
            comment=body.comment,
            kind=mode.kind,
            calibration_id=mode.session.id if mode.session else None,
        )


@router.post(
    "/v1/conversations/{conversation_id}/reviews",
    tags=["reviews"],
    status_code=201,
    summary="Review a conversation (leads and admins)",
    responses={201: json_object("The review as stored."), **API_ERRORS},
)
def add_review(
    state: State,
    viewer: Reviewer,
    body: ReviewIn,
    conversation_id: Annotated[int, Path(description="The conversation's id in the store.")],
) -> JSONResponse:
    """Save the viewer's review of a conversation in their scope (replacing their earlier
    one); stored with the reviewer, the time and the service's rubric version."""
    review = save_api_review(state, viewer, body, conversation_id)
    return JSONResponse(review.to_dict(), status_code=201)
