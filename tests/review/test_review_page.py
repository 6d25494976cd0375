"""The review page without JavaScript: scores, verdicts, a missed span by its words."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import DashboardApp


def _form(app: DashboardApp, user: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": app.logins[user].csrf, **fields}


def _submit(app: DashboardApp, user: str, conversation: str, **fields: str) -> Any:
    return app.client.post(
        f"/conversations/{app.built.pks[conversation]}/review",
        data=_form(app, user, **fields),
        headers=app.headers(user),
        follow_redirects=False,
    )


def test_review_page_form_saves_scores_verdicts_and_typed_missed_words(
    dashboard_app: DashboardApp,
) -> None:
    app = dashboard_app
    pk = app.built.pks["c1"]
    page = app.get("nora", f"/conversations/{pk}/review")
    assert page.status_code == 200
    assert 'name="verdict:m2:0:22:empathy.validation"' in page.text
    assert 'name="score_empathy"' in page.text and 'name="missed_quote"' in page.text
    answer = _submit(
        app, "nora", "c1",
        score_empathy="65", na_closing="1", **{"verdict:m2:0:22:empathy.validation": "wrong"},
        missed_message="m4", missed_signal="problem_solving.solution",
        missed_quote="arrives tomorrow", comment="Apology without ownership.",
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/conversations/{pk}/review?saved=1"
    shown = app.get("nora", answer.headers["location"]).text
    assert "Review saved." in shown and "Apology without ownership." in shown
    assert "“arrives tomorrow”" in shown and 'value="65"' in shown
    [review] = app.get("nora", f"/v1/reviews?conversation_id={pk}&reviewer=nora").json()["reviews"]
    assert review["scores"] == {"empathy": 65, "closing": None}
    assert {(s["signal"], s["verdict"], s["start"]) for s in review["signals"]} == {
        ("empathy.validation", "wrong", 0), ("problem_solving.solution", "missed", 3),
    }  # fmt: skip
    key = "drop:m4:3:19:problem_solving.solution"
    assert _submit(app, "nora", "c1", score_empathy="65", **{key: "on"}).status_code == 303
    [review] = app.get("nora", f"/v1/reviews?conversation_id={pk}&reviewer=nora").json()["reviews"]
    assert review["signals"] == []


def test_review_page_bad_input_shows_the_form_again_with_the_fix(
    dashboard_app: DashboardApp,
) -> None:
    answer = _submit(
        dashboard_app, "root", "c1", score_empathy="70", score_closing="150",
        missed_message="m4", missed_signal="problem_solving.solution", missed_quote="next week",
    )  # fmt: skip
    assert answer.status_code == 400
    assert "closing: 150 is not a score from 0 to 100" in answer.text
    assert 'value="70"' in answer.text and 'value="next week"' in answer.text
    answer = _submit(
        dashboard_app, "root", "c1",
        missed_message="m4", missed_signal="problem_solving.solution", missed_quote="next week",
    )  # fmt: skip
    assert answer.status_code == 400 and "copy them exactly" in answer.text


def test_review_page_roles_and_scope(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    c1, c4 = app.built.pks["c1"], app.built.pks["c4"]
    assert app.get("sol", f"/conversations/{c1}/review").status_code == 404
    assert _submit(app, "sol", "c1", score_empathy="50").status_code == 404
    agent = app.get("sam", f"/conversations/{c1}/review")
    assert agent.status_code == 200 and 'name="score_empathy"' not in agent.text
    assert _submit(app, "sam", "c1", score_empathy="100").status_code == 403
    assert app.get("lee", f"/conversations/{c1}/review").status_code == 404
    assert app.get("lee", f"/conversations/{c4}/review").status_code == 200
    assert app.get("nora", f"/conversations/{c1}/review?calibration=99").status_code == 404
    conversation = app.get("nora", f"/conversations/{c1}").text
    assert f'href="/conversations/{c1}/review"' in conversation
    assert 'href="/reviews"' in conversation


def test_review_hub_lists_reviews_in_scope(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    _submit(app, "sol", "c4", score_empathy="90")
    assert "c4" in app.get("sol", "/reviews").text
    hub = app.get("lee", "/reviews")
    assert hub.status_code == 200 and "Reviews of your conversations" in hub.text
    assert "c1" not in app.get("lee", "/reviews").text.split("Reviews of your conversations")[1]
