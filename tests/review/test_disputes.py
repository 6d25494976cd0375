"""Disputes: raised by the conversation's agent, resolved by the lead (accepted: the
score changes with history; rejected: a reply), counted per skill; store on every
backend, and the API."""

from __future__ import annotations

from typing import Any

import pytest

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.model import ReviewKind
from servicecoach.store.database import Store
from servicecoach.store.disputes import (
    DisputeStatus,
    dispute_counts,
    list_disputes,
    raise_dispute,
    resolve_dispute,
)
from servicecoach.store.filters import Scope
from servicecoach.store.reviews import list_reviews, review_history, save_review
from tests.store.dashboard_data import Built
from tests.web.conftest import DashboardApp

SAM, NORTH = Scope.agent("sam"), Scope.team("north")


def _reviewed(store: Store, built: Built) -> int:
    with store.begin() as connection:
        return save_review(
            connection, NORTH, conversation_id=built.pks["c1"], reviewer="nora",
            rubric_version="rubric-x", scores={"empathy": 40, "closing": None},
        ).id  # fmt: skip


def test_store_disputes_accept_a_review_score_with_history(store: Store, built: Built) -> None:
    review = _reviewed(store, built)
    with store.begin() as connection:
        dispute = raise_dispute(
            connection, SAM, conversation_id=built.pks["c1"], skill="empathy",
            reason="I named the customer's frustration.", raised_by="sam", review_id=review,
            proposed_score=70,
        )  # fmt: skip
        assert (dispute.disputed_score, dispute.status, dispute.team) == (
            40,
            DisputeStatus.OPEN,
            "north",
        )
        with pytest.raises(ConfigError, match="already dispute"):
            raise_dispute(connection, SAM, conversation_id=built.pks["c1"], skill="empathy",
                          reason="again", raised_by="sam", review_id=review)  # fmt: skip
        with pytest.raises(NotFoundError):
            resolve_dispute(
                connection, Scope.team("south"), dispute.id, accept=True, resolved_by="sol"
            )
        with pytest.raises(NotFoundError):
            resolve_dispute(connection, SAM, dispute.id, accept=True, resolved_by="sam")
        done = resolve_dispute(connection, NORTH, dispute.id, accept=True, resolved_by="nora")
        assert (done.status, done.new_score, done.resolved_by) == (
            DisputeStatus.ACCEPTED,
            70,
            "nora",
        )
        with pytest.raises(ConfigError, match="already accepted"):
            resolve_dispute(
                connection, NORTH, dispute.id, accept=False, reply="no", resolved_by="nora"
            )
        [change] = review_history(connection, review)
        assert (change.old_score, change.new_score, change.dispute_id) == (40, 70, dispute.id)
        [shown] = list_reviews(connection, SAM)
        assert shown.scores["empathy"] == 70


def test_store_disputes_reject_needs_a_reply_and_automatic_scores_are_corrected_by_a_review(
    store: Store, built: Built
) -> None:
    with store.begin() as connection:
        auto = raise_dispute(connection, SAM, conversation_id=built.pks["c2"], skill="empathy",
                             reason="I apologised twice.", raised_by="sam")  # fmt: skip
        other = raise_dispute(connection, SAM, conversation_id=built.pks["c2"], skill="continuity",
                              reason="She never told me before.", raised_by="sam")  # fmt: skip
        assert (auto.review_id, auto.run, auto.disputed_score) == (None, built.run, 40)
        with pytest.raises(ConfigError, match="reply"):
            resolve_dispute(connection, NORTH, other.id, accept=False, resolved_by="nora")
        rejected = resolve_dispute(connection, NORTH, other.id, accept=False, resolved_by="nora",
                                   reply="The customer said she had told a colleague.")  # fmt: skip
        assert rejected.status is DisputeStatus.REJECTED and rejected.new_score is None
        with pytest.raises(ConfigError, match="new score"):
            resolve_dispute(connection, NORTH, auto.id, accept=True, resolved_by="nora")
        resolve_dispute(connection, NORTH, auto.id, accept=True, resolved_by="nora", new_score=65,
                        rubric_version="rubric-x")  # fmt: skip
        [correction] = list_reviews(connection, SAM, kinds=[ReviewKind.DISPUTE])
        assert (correction.reviewer, correction.scores) == ("nora", {"empathy": 65})
        [change] = review_history(connection, correction.id)
        assert (change.old_score, change.new_score) == (40, 65)  # servicecoach's 40
        assert dispute_counts(connection, NORTH) == {
            "continuity": {"open": 0, "accepted": 0, "rejected": 1},
            "empathy": {"open": 0, "accepted": 1, "rejected": 0},
        }
        assert list_disputes(connection, Scope.agent("lee")) == []
        assert dispute_counts(connection, Scope.team("south")) == {}


@pytest.mark.parametrize(
    ("scope", "conversation", "kwargs", "error"),
    [
        (Scope.agent("lee"), "c1", {}, NotFoundError),  # not lee's conversation
        (NORTH, "c1", {}, ConfigError),  # leads do not raise disputes
        (SAM, "c1", {"skill": "charm"}, ConfigError),
        (SAM, "c1", {"reason": "  "}, ConfigError),
        (SAM, "c1", {"review_id": 999}, NotFoundError),
        (SAM, "c1", {"skill": "apology"}, ConfigError),  # the review gave no apology score
    ],
)
def test_store_disputes_refused(
    store: Store,
    built: Built,
    scope: Scope,
    conversation: str,
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    review = _reviewed(store, built)
    values: dict[str, Any] = {"skill": "empathy", "reason": "why", "review_id": review}
    values.update(kwargs)
    with store.begin() as connection, pytest.raises(error):
        raise_dispute(
            connection, scope, conversation_id=built.pks[conversation], raised_by="x", **values
        )


def test_api_disputes_agent_raises_lead_answers_both_see(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    pk = app.built.pks["c1"]
    review = app.client.post(
        f"/v1/conversations/{pk}/reviews", json={"scores": {"empathy": 30}},
        headers=app.headers("nora", write=True),
    ).json()  # fmt: skip
    body = {"skill": "empathy", "reason": "I validated her feeling.", "review_id": review["id"]}
    for user, status in (("nora", 403), ("lee", 404), ("sam", 201)):
        answer = app.client.post(
            f"/v1/conversations/{pk}/disputes", json=body, headers=app.headers(user, write=True)
        )
        assert answer.status_code == status, (user, answer.text)
    dispute = answer.json()
    auto = app.client.post(
        f"/v1/conversations/{pk}/disputes", json={"skill": "responsiveness", "reason": "It was a holiday."},
        headers=app.headers("sam", write=True),
    ).json()  # fmt: skip
    assert auto["review_id"] is None and auto["disputed_score"] == 100
    assert app.get("sol", "/v1/disputes").json()["disputes"] == []
    assert [d["id"] for d in app.get("nora", "/v1/disputes?status=open").json()["disputes"]] == [
        auto["id"],
        dispute["id"],
    ]
    url = f"/v1/disputes/{dispute['id']}/resolve"
    assert (
        app.client.post(
            url,
            json={"decision": "accept", "new_score": 70},
            headers=app.headers("sol", write=True),
        ).status_code
        == 404
    )
    assert (
        app.client.post(
            url,
            json={"decision": "accept", "new_score": 70},
            headers=app.headers("sam", write=True),
        ).status_code
        == 403
    )
    assert (
        app.client.post(
            url, json={"decision": "maybe"}, headers=app.headers("nora", write=True)
        ).status_code
        == 422
    )
    accepted = app.client.post(
        url, json={"decision": "accept", "new_score": 70}, headers=app.headers("nora", write=True)
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    rejected = app.client.post(
        f"/v1/disputes/{auto['id']}/resolve", json={"decision": "reject", "reply": "Targets count holidays."},
        headers=app.headers("nora", write=True),
    ).json()  # fmt: skip
    assert rejected["status"] == "rejected"
    seen = {d["id"]: d for d in app.get("sam", "/v1/disputes").json()["disputes"]}
    assert (
        seen[dispute["id"]]["new_score"] == 70
        and seen[auto["id"]]["reply"] == "Targets count holidays."
    )
    history = app.get("sam", f"/v1/reviews/{review['id']}").json()["history"]
    assert [(h["old_score"], h["new_score"]) for h in history] == [(30, 70)]
    per_skill = app.get("nora", "/v1/disputes").json()["per_skill"]
    assert per_skill["empathy"]["accepted"] >= 1 and per_skill["responsiveness"]["rejected"] >= 1
