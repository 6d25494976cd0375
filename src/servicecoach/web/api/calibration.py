"""``/v1/calibration``: calibration sessions over the API (admins, leads and tokens).

The same rules as the pages (``web.pages.calibration``): a session is seen within the
viewer's scope; a reviewer's blind review and the lead's agreed answer are saved with
the review body of ``/v1/reviews``; the results (every score, Krippendorff's alpha and
spread per skill, grader alignment) are in the session's answer once the blindness rule
allows (``results_visible``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from servicecoach.server.state import State
from servicecoach.store.calibration import (
    MAX_SESSION_CONVERSATIONS,
    close_session,
    create_session,
    get_session,
    list_sessions,
)
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.api.reviews import ReviewIn, save_api_review
from servicecoach.web.auth import Viewer, require_role
from servicecoach.web.pages.calibration_view import calibration_view

__all__ = [
    "CalibrationIn",
    "agreed_answer",
    "blind_review",
    "close",
    "create",
    "one_session",
    "router",
    "sessions",
]

router = APIRouter()
Lead = Annotated[Viewer, Depends(require_role("admin", "lead"))]
SessionId = Annotated[int, Path(description="The calibration session.")]
ConversationId = Annotated[int, Path(description="The conversation's id in the store.")]


class CalibrationIn(BaseModel):
    """A calibration session to create."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    conversations: list[int] = Field(
        min_length=1, max_length=MAX_SESSION_CONVERSATIONS, description="Conversation ids."
    )
    reviewers: list[str] = Field(
        min_length=2, max_length=50, description="Usernames: admins or the team's leads."
    )


@router.get(
    "/v1/calibration",
    tags=["reviews"],
    summary="Calibration sessions in the viewer's scope",
    responses={200: json_object("The sessions, newest first."), **API_ERRORS},
)
def sessions(state: State, viewer: Lead) -> JSONResponse:
    """The sessions of the lead's team (all, for admins)."""
    with state.store.connect() as connection:
        found = list_sessions(connection, viewer.scope)
    return JSONResponse({"sessions": [s.to_dict() for s in found]})


@router.post(
    "/v1/calibration",
    tags=["reviews"],
    status_code=201,
    summary="Create a calibration session",
    responses={201: json_object("The session."), **API_ERRORS},
)
def create(state: State, viewer: Lead, body: CalibrationIn) -> JSONResponse:
    """A session over conversations in the viewer's scope, for two or more reviewers."""
    with state.store.begin() as connection:
        session = create_session(
            connection, viewer.scope, title=body.title, conversations=body.conversations,
            reviewers=body.reviewers, created_by=viewer.username,
        )  # fmt: skip
    return JSONResponse(session.to_dict(), status_code=201)


@router.get(
    "/v1/calibration/{session_id}",
    tags=["reviews"],
    summary="One calibration session with its results",
    responses={200: json_object("Progress; scores and agreement once visible."), **API_ERRORS},
)
def one_session(state: State, viewer: Lead, session_id: SessionId) -> JSONResponse:
    """Who scored what; once visible, every score, `agreement` per skill (Krippendorff's
    alpha among reviewers and with servicecoach, spread) and per grader."""
    with state.store.connect() as connection:
        session = get_session(connection, viewer.scope, session_id)
        view = calibration_view(connection, session, viewer.username)
    return JSONResponse(view.to_dict())


@router.post(
    "/v1/calibration/{session_id}/close",
    tags=["reviews"],
    summary="Close a calibration session",
    responses={200: json_object("The session."), **API_ERRORS},
)
def close(state: State, viewer: Lead, session_id: SessionId) -> JSONResponse:
    """Close it: results visible to all who see it, no more changes."""
    with state.store.begin() as connection:
        session = close_session(connection, viewer.scope, session_id)
    return JSONResponse(session.to_dict())


@router.post(
    "/v1/calibration/{session_id}/conversations/{conversation_id}/review",
    tags=["reviews"],
    status_code=201,
    summary="Save the viewer's blind review in a session",
    responses={201: json_object("The review."), **API_ERRORS},
)
def blind_review(
    state: State,
    viewer: Lead,
    body: ReviewIn,
    session_id: SessionId,
    conversation_id: ConversationId,
) -> JSONResponse:
    """The viewer (one of the session's reviewers) scores a conversation of it."""
    review = save_api_review(state, viewer, body, conversation_id, calibration=session_id)
    return JSONResponse(review.to_dict(), status_code=201)


@router.post(
    "/v1/calibration/{session_id}/conversations/{conversation_id}/agreed",
    tags=["reviews"],
    status_code=201,
    summary="Record a session's agreed answer for a conversation",
    responses={201: json_object("The agreed answer, as a review."), **API_ERRORS},
)
def agreed_answer(
    state: State,
    viewer: Lead,
    body: ReviewIn,
    session_id: SessionId,
    conversation_id: ConversationId,
) -> JSONResponse:
    """The lead records the answer the reviewers agreed on (after scoring, if a reviewer)."""
    review = save_api_review(
        state, viewer, body, conversation_id, calibration=session_id, agreed=True
    )
    return JSONResponse(review.to_dict(), status_code=201)
