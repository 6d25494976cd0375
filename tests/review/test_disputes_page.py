"""The dispute forms without a browser: roles, scope, and errors shown on the page."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import DashboardApp


def _post(app: DashboardApp, user: str, url: str, **data: str) -> Any:
    return app.client.post(
        url, data={"csrf_token": app.logins[user].csrf, **data}, headers=app.headers(user),
        follow_redirects=False,
    )  # fmt: skip


def test_dispute_pages_roles_scope_and_errors(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    pk = app.built.pks["c1"]
    raise_url = f"/conversations/{pk}/disputes"
    form = {"target": "auto", "skill": "empathy", "reason": "I validated her."}
    assert _post(app, "nora", raise_url, **form).status_code == 403
    assert _post(app, "lee", raise_url, **form).status_code == 404
    assert 'id="dispute-form"' in app.get("sam", f"/conversations/{pk}/review").text
    assert 'id="dispute-form"' not in app.get("nora", f"/conversations/{pk}/review").text
    answer = _post(app, "sam", raise_url, **{**form, "reason": " "})
    assert answer.status_code == 400 and "give a reason" in answer.text
    assert _post(app, "sam", raise_url, **form).status_code == 303
    dispute = app.get("sam", "/v1/disputes").json()["disputes"][0]["id"]
    resolve_url = f"/disputes/{dispute}/resolve"
    assert _post(app, "sam", resolve_url, decision="accept", new_score="70").status_code == 403
    assert _post(app, "sol", resolve_url, decision="accept", new_score="70").status_code == 404
    answer = _post(app, "nora", resolve_url, decision="reject", reply="")
    assert answer.status_code == 400 and "give a reply" in answer.text
    answer = _post(app, "nora", resolve_url, decision="accept", new_score="seventy")
    assert answer.status_code == 400 and "not a score" in answer.text
    assert _post(app, "nora", resolve_url, decision="accept", new_score="70").status_code == 303
    assert "Score changed to 70." in app.get("sam", "/disputes").text
    assert app.get("sol", "/disputes").status_code == 200
    assert "I validated her." not in app.get("sol", "/disputes").text
