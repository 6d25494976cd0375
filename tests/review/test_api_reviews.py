"""Reviews over ``/v1``: typed bodies, reviewers in scope, agents read their own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import DashboardApp

BODY: dict[str, Any] = {
    "scores": {"empathy": 55, "closing": None},
    "signals": [
        {"message": "m2", "signal": "empathy.validation", "verdict": "wrong", "start": 0, "end": 22},
        {"message": "m4", "signal": "problem_solving.solution", "verdict": "missed",
         "quote": "arrives tomorrow"},
    ],
    "comment": "Polite, no ownership.",
}  # fmt: skip


def _post(app: DashboardApp, user: str, conversation: str, body: dict[str, Any]) -> Any:
    return app.client.post(
        f"/v1/conversations/{app.built.pks[conversation]}/reviews",
        json=body,
        headers=app.headers(user, write=user != "token"),
    )


def test_api_reviews_lead_reviews_and_everyone_in_scope_reads(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    answer = _post(app, "nora", "c1", BODY)
    assert answer.status_code == 201, answer.text
    review = answer.json()
    assert (review["reviewer"], review["agent"], review["team"]) == ("nora", "sam", "north")
    assert review["rubric_version"].startswith("rubric-")
    assert review["scores"] == {"empathy": 55, "closing": None}
    assert [s["verdict"] for s in review["signals"]] == ["wrong", "missed"]
    assert (
        review["signals"][1]["start"] == 3 and review["signals"][1]["quote"] == "arrives tomorrow"
    )
    for user, status in (("root", 200), ("nora", 200), ("sam", 200), ("sol", 404), ("lee", 404),
                         ("newbie", 404), ("token", 200), ("anonymous", 401)):  # fmt: skip
        assert app.get(user, f"/v1/reviews/{review['id']}").status_code == status, user
    mine = app.get("sam", "/v1/reviews").json()["reviews"]
    assert [r["id"] for r in mine] == [review["id"]]
    assert app.get("lee", "/v1/reviews").json()["reviews"] == []
    again = _post(app, "nora", "c1", {**BODY, "scores": {"empathy": 60}}).json()
    assert again["id"] == review["id"] and again["scores"] == {"empathy": 60}


@pytest.mark.parametrize(
    ("user", "conversation", "status"),
    [
        ("sam", "c1", 403),
        ("sol", "c1", 404),
        ("lee", "c4", 403),
        ("sol", "c4", 201),
        ("token", "c3", 201),
    ],
)
def test_api_reviews_who_may_write(
    dashboard_app: DashboardApp, user: str, conversation: str, status: int
) -> None:
    assert (
        _post(dashboard_app, user, conversation, {"scores": {"empathy": 40}}).status_code == status
    )


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"scores": {"empathy": 101}}, 422, "less than or equal to 100"),
        ({"scores": {"charm": 5}}, 400, "'charm' is not a skill"),
        ({"scores": {}, "extra": 1}, 422, "extra"),
        ({"signals": [{"message": "m2", "signal": "empathy.validation", "verdict": "agree",
                       "start": 1, "end": 3}]}, 400, "mark it as missed"),
        ({"signals": [{"message": "m4", "signal": "problem_solving.solution",
                       "verdict": "missed", "quote": "next week"}]}, 400, "copy them exactly"),
        ({"signals": [{"message": "m9", "signal": "empathy.validation", "verdict": "missed",
                       "quote": "x"}]}, 400, "no message 'm9'"),
        ({"signals": [{"message": "m2", "signal": "Empathy", "verdict": "missed"}]}, 422, "pattern"),
    ],
)  # fmt: skip
def test_api_reviews_bad_bodies_name_the_problem(
    dashboard_app: DashboardApp, body: dict[str, Any], status: int, says: str
) -> None:
    answer = _post(dashboard_app, "root", "c1", body)
    assert answer.status_code == status, answer.text
    assert says in answer.text


def test_api_reviews_need_csrf_from_a_session(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    answer = app.client.post(
        f"/v1/conversations/{app.built.pks['c1']}/reviews", json=BODY, headers=app.headers("nora")
    )
    assert answer.status_code == 403
