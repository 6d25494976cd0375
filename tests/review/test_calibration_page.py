"""The calibration pages without a browser: roles, scope and the form's errors."""

from __future__ import annotations

from typing import Any

from tests.review.helpers import add_user
from tests.web.conftest import DashboardApp


def _create(app: DashboardApp, user: str, data: dict[str, str | list[str]]) -> Any:
    return app.client.post(
        "/calibration",
        data={"csrf_token": app.logins[user].csrf, **data},
        headers=app.headers(user),
        follow_redirects=False,
    )


def test_calibration_pages_roles_scope_and_errors(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    add_user(app, "nia", "lead", team="north")
    assert app.get("sam", "/calibration").status_code == 403
    page = app.get("nora", "/calibration")
    assert page.status_code == 200
    assert 'value="nia"' in page.text and 'value="sol"' not in page.text
    assert f'value="{app.built.pks["c4"]}"' not in page.text  # south's conversation
    c1 = str(app.built.pks["c1"])
    bad = _create(app, "nora", {"title": "x", "conversation": [c1], "reviewer": ["nora"]})
    assert bad.status_code == 400 and "at least two reviewers" in bad.text
    made = _create(
        app, "nora", {"title": "North", "conversation": [c1], "reviewer": ["nora", "nia"]}
    )
    assert made.status_code == 303
    url = made.headers["location"]
    assert app.get("sol", url).status_code == 404
    assert "Score it (blind)" in app.get("nia", url).text
    assert "Score it (blind)" not in app.get("root", url).text  # not one of its reviewers
    assert (
        app.get(
            "sol", f"/conversations/{c1}/review?calibration={url.rsplit('/', 1)[1]}"
        ).status_code
        == 404
    )
