"""Coaching notes over the API: leads and admins write, agents read their own, CSRF."""

from __future__ import annotations

from tests.web.conftest import DashboardApp


def _post(app: DashboardApp, user: str, agent: str, text: str, *, csrf: bool = True) -> int:
    headers = app.headers(user, write=csrf) if user != "token" else app.headers(user)
    answer = app.client.post(f"/v1/agents/{agent}/notes", json={"text": text}, headers=headers)
    return answer.status_code


def test_api_notes_who_may_write_and_read(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    assert _post(app, "sam", "sam", "I think I did well") == 403
    assert _post(app, "nora", "lee", "not my team") == 404
    assert _post(app, "nora", "sam", "no csrf", csrf=False) == 403
    answer = app.client.post(
        "/v1/agents/sam/notes",
        json={"text": "Great apology in c1.", "conversation_id": app.built.pks["c1"]},
        headers=app.headers("nora", write=True),
    )
    assert answer.status_code == 201, answer.text
    note = answer.json()
    assert (note["author"], note["agent"]) == ("nora", "sam")
    assert _post(app, "token", "sam", "from the token") == 201
    own = app.get("sam", "/v1/agents/sam/notes").json()["notes"]
    assert {n["text"] for n in own} >= {"Great apology in c1.", "from the token"}
    assert app.get("lee", "/v1/agents/sam/notes").status_code == 404
    card = app.get("sam", "/v1/agents/sam/scorecard").json()
    assert any(n["text"] == "Great apology in c1." for n in card["notes"])

    url = f"/v1/notes/{note['id']}"
    assert app.client.delete(url, headers=app.headers("sam", write=True)).status_code == 403
    assert app.client.delete(url, headers=app.headers("sol", write=True)).status_code == 404
    assert app.client.delete(url, headers=app.headers("nora")).status_code == 403  # no CSRF
    assert app.client.delete(url, headers=app.headers("nora", write=True)).status_code == 204
    assert app.client.delete(url, headers=app.headers("root", write=True)).status_code == 404


def test_api_notes_bad_bodies(dashboard_app: DashboardApp) -> None:
    headers = dashboard_app.headers("root", write=True)
    for body in ({}, {"text": ""}, {"text": "x", "extra": 1}):
        answer = dashboard_app.client.post("/v1/agents/sam/notes", json=body, headers=headers)
        assert answer.status_code == 422, answer.text
    answer = dashboard_app.client.post(
        "/v1/agents/sam/notes", json={"text": "x", "conversation_id": 999999}, headers=headers
    )
    assert answer.status_code == 404
