"""Calibration sessions: created in scope, scored blind, results with agreement and
alignment, the agreed answer, closing; in the store (every backend) and over the API."""

from __future__ import annotations

from typing import Any

import pytest

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.calibration import (
    close_session,
    create_session,
    eligible_reviewers,
    get_session,
    list_sessions,
    results_visible,
)
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.users import create_user
from tests.review.helpers import add_user
from tests.store.dashboard_data import Built
from tests.web.conftest import DashboardApp


@pytest.fixture
def leads(store: Store, built: Built) -> Built:
    with store.begin() as connection:
        create_user(connection, "root", "a long password", "admin")
        for name, team in (("nora", "north"), ("nia", "north"), ("sol", "south")):
            create_user(connection, name, "a long password", "lead", team=team)
        create_user(connection, "sam", "a long password", "agent", agent="sam")
    return built


def test_store_calibration_created_in_scope_with_eligible_reviewers(
    store: Store, leads: Built
) -> None:
    north = Scope.team("north")
    with store.begin() as connection:
        assert eligible_reviewers(connection, north) == ["nia", "nora", "root"]
        session = create_session(
            connection, north, title=" May calibration ", conversations=[leads.pks["c1"], leads.pks["c2"]],
            reviewers=["nora", "nia", "root"], created_by="nora",
        )  # fmt: skip
        assert (session.title, session.team, session.reviewers) == (
            "May calibration",
            "north",
            ("nora", "nia", "root"),
        )
        assert [s.id for s in list_sessions(connection, north)] == [session.id]
        assert list_sessions(connection, Scope.team("south")) == []
        assert list_sessions(connection, Scope.agent("sam")) == []
        with pytest.raises(NotFoundError):
            get_session(connection, Scope.team("south"), session.id)
        assert not results_visible(session, "nia", [leads.pks["c1"]])
        assert results_visible(session, "nia", [leads.pks["c1"], leads.pks["c2"]])
        assert results_visible(session, "someone-else", [])
        closed = close_session(connection, north, session.id)
        assert closed.closed and results_visible(closed, "nia", [])


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": " "}, "give the session a title"),
        ({"conversations": []}, "pick at least one conversation"),
        ({"reviewers": ["nora"]}, "at least two reviewers"),
        ({"reviewers": ["nora", "sol"]}, "'sol' cannot review"),
        ({"reviewers": ["nora", "sam"]}, "'sam' cannot review"),
        ({"conversations": ["c4"]}, "no conversation"),
    ],
)
def test_store_calibration_refuses_with_the_reason(
    store: Store, leads: Built, changes: dict[str, Any], error: str
) -> None:
    values: dict[str, Any] = {"title": "x", "conversations": ["c1"], "reviewers": ["nora", "nia"]}
    values.update(changes)
    values["conversations"] = [leads.pks[c] for c in values["conversations"]]
    with store.begin() as connection, pytest.raises((ConfigError, NotFoundError), match=error):
        create_session(connection, Scope.team("north"), created_by="nora", **values)


def _review(app: DashboardApp, user: str, session: int, conversation: str, empathy: int) -> Any:
    return app.client.post(
        f"/v1/calibration/{session}/conversations/{app.built.pks[conversation]}/review",
        json={"scores": {"empathy": empathy, "closing": None}},
        headers=app.headers(user, write=True),
    )


def test_api_calibration_three_reviewers_blind_then_agreement(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    add_user(app, "nia", "lead", team="north")
    pks = [app.built.pks["c1"], app.built.pks["c2"]]
    body = {"title": "North May", "conversations": pks, "reviewers": ["nora", "nia", "root"]}
    assert (
        app.client.post(
            "/v1/calibration", json=body, headers=app.headers("sam", write=True)
        ).status_code
        == 403
    )
    answer = app.client.post("/v1/calibration", json=body, headers=app.headers("nora", write=True))
    assert answer.status_code == 201, answer.text
    session = answer.json()["id"]
    assert app.get("sol", f"/v1/calibration/{session}").status_code == 404
    assert app.get("sam", f"/v1/calibration/{session}").status_code == 403
    assert _review(app, "sol", session, "c1", 50).status_code == 404
    scores = {"nora": (50, 40), "nia": (60, 50), "root": (70, 60)}
    for user, (first, second) in scores.items():
        assert _review(app, user, session, "c1", first).status_code == 201
        seen = app.get(user, f"/v1/calibration/{session}").json()
        assert seen["results_visible"] is False and "agreement" not in seen
        assert "scores" not in seen["conversations"][0]
        assert _review(app, user, session, "c2", second).status_code == 201
    seen = app.get("nia", f"/v1/calibration/{session}").json()
    assert seen["results_visible"] is True
    assert seen["conversations"][0]["done"] == ["nora", "nia", "root"]
    assert seen["conversations"][0]["scores"]["servicecoach"]["empathy"] == 80
    [empathy] = [s for s in seen["agreement"]["skills"] if s["skill"] == "empathy"]
    assert empathy["units"] == 2 and empathy["mean_range"] == 20.0
    assert empathy["alpha"] is not None and empathy["alpha_with_servicecoach"] is not None
    assert seen["agreement"]["strictest"] == "nora"
    assert seen["agreement"]["most_lenient"] == "root"
    graders = {g["grader"]: g["mean_difference"] for g in seen["agreement"]["graders"]}
    assert graders == {"nora": -15.0, "nia": 0.0, "root": 15.0, "servicecoach": 5.0}  # 80-60, 40-50
    # agents never see blind calibration reviews
    assert app.get("sam", f"/v1/reviews?conversation_id={pks[0]}").json()["reviews"] == []
    agreed = app.client.post(
        f"/v1/calibration/{session}/conversations/{pks[0]}/agreed",
        json={"scores": {"empathy": 60}}, headers=app.headers("nora", write=True),
    )  # fmt: skip
    assert agreed.status_code == 201 and agreed.json()["kind"] == "agreed"
    seen = app.get("root", f"/v1/calibration/{session}").json()
    assert seen["conversations"][0]["agreed"] == {"empathy": 60}
    assert app.client.post(
        f"/v1/calibration/{session}/close", headers=app.headers("nora", write=True)
    ).json()["closed_at"]
    assert _review(app, "nia", session, "c1", 10).status_code == 400  # closed
    listed = app.get("root", "/v1/calibration").json()["sessions"]
    assert session in [s["id"] for s in listed]


def test_api_calibration_agreed_answer_waits_for_the_leads_own_scores(
    dashboard_app: DashboardApp,
) -> None:
    app = dashboard_app
    add_user(app, "nia", "lead", team="north")
    pk = app.built.pks["c3"]
    body = {"title": "c3 only", "conversations": [pk], "reviewers": ["nora", "nia"]}
    session = app.client.post(
        "/v1/calibration", json=body, headers=app.headers("nora", write=True)
    ).json()["id"]
    early = app.client.post(
        f"/v1/calibration/{session}/conversations/{pk}/agreed",
        json={"scores": {"empathy": 60}}, headers=app.headers("nora", write=True),
    )  # fmt: skip
    assert early.status_code == 404 and "score every conversation" in early.text
