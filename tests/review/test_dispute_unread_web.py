"""The disputes badge in the navigation, the "new" mark and "Mark as read" without a
browser, and ``/v1/disputes/unread`` and ``/seen``: per role, in scope, GETs write
nothing."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import DashboardApp


def _post(app: DashboardApp, user: str, url: str, **data: str) -> Any:
    return app.client.post(
        url, data={"csrf_token": app.logins[user].csrf, **data}, headers=app.headers(user),
        follow_redirects=False,
    )  # fmt: skip


def _badge(app: DashboardApp, user: str, url: str = "/disputes") -> int:
    """The number on the Disputes link of ``url`` as ``user`` (0: no badge)."""
    html = app.get(user, url).text
    assert '<a href="/disputes"' in html, "every role has the Disputes link"
    found = re.search(r'id="badge-disputes" title="([^"]+)">(\d+)</span>', html)
    return int(found.group(2)) if found else 0


def _unread(app: DashboardApp, user: str) -> dict[str, Any]:
    answer = app.get(user, "/v1/disputes/unread")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _raise(app: DashboardApp, chat: str, skill: str) -> int:
    answer = app.client.post(
        f"/v1/conversations/{app.built.pks[chat]}/disputes",
        json={"skill": skill, "reason": "I did what the rubric asks.", "proposed_score": 75},
        headers=app.headers("sam", write=True),
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_dispute_badge_per_role_new_mark_and_mark_as_read(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    users = ("root", "nora", "sol", "sam", "lee")
    assert [_badge(app, user) for user in users] == [0, 0, 0, 0, 0]
    first, second = _raise(app, "c1", "empathy"), _raise(app, "c2", "continuity")
    # the lead and the admin: open disputes in their scope, on every page
    assert [_badge(app, user, "/") for user in users] == [2, 2, 0, 0, 0]
    assert 'title="2 disputes waiting for you"' in app.get("nora", "/reviews").text
    assert _unread(app, "nora") == {"count": 2, "counts": "open"}
    assert _unread(app, "token") == {"count": 2, "counts": "open"}
    assert _unread(app, "sol") == {"count": 0, "counts": "open"}

    assert _post(app, "nora", f"/disputes/{first}/resolve", decision="accept").status_code == 303
    assert [_badge(app, user) for user in users] == [1, 1, 0, 1, 0]
    page = app.get("sam", "/disputes").text
    assert 'title="1 new answer to your disputes"' in page
    assert re.search(rf'id="dispute-{first}" data-status="accepted" data-new="1"', page)
    assert f'action="/disputes/{first}/seen"' in page and 'id="unread"' in page
    assert f'id="dispute-{second}" data-status="open">' in page  # open: nothing new
    review = app.get("sam", f"/conversations/{app.built.pks['c1']}/review").text
    assert 'data-new="1"' in review and "Mark as read" in review
    lead = app.get("nora", "/disputes").text
    assert 'data-new="1"' not in lead and "Mark as read" not in lead
    # opening the pages wrote nothing: the answer is still new
    assert _unread(app, "sam") == {"count": 1, "counts": "decided"}

    seen = f"/disputes/{first}/seen"
    assert _post(app, "nora", seen).status_code == 403  # leads have nothing to mark read
    assert _post(app, "lee", seen).status_code == 404  # not lee's dispute
    assert app.client.post(seen, headers=app.headers("sam"), data={}).status_code == 403  # CSRF
    back = f"/conversations/{app.built.pks['c1']}/review#dispute-{first}"
    answer = _post(app, "sam", seen, next=back)
    assert (answer.status_code, answer.headers["location"]) == (303, back)
    answer = _post(app, "sam", seen, next="https://elsewhere.example/")  # again: no change
    assert (answer.status_code, answer.headers["location"]) == (303, f"/disputes#dispute-{first}")
    assert _badge(app, "sam") == 0 and 'data-new="1"' not in app.get("sam", "/disputes").text
    assert _badge(app, "nora") == 1  # the second still waits for her

    assert _post(app, "nora", f"/disputes/{second}/resolve", decision="reject",
                 reply="The customer had not said so before.").status_code == 303  # fmt: skip
    assert [_badge(app, user) for user in users] == [0, 0, 0, 1, 0]
    assert _post(app, "sam", "/disputes/seen").status_code == 303
    assert _post(app, "sam", "/disputes/seen").status_code == 303  # idempotent
    assert _post(app, "nora", "/disputes/seen").status_code == 403
    assert [_badge(app, user) for user in users] == [0, 0, 0, 0, 0]


def test_api_disputes_unread_and_seen(dashboard_app: DashboardApp) -> None:
    app = dashboard_app

    def post(user: str, url: str) -> Any:
        return app.client.post(url, headers=app.headers(user, write=True))

    dispute = _raise(app, "c1", "clear_communication")
    assert _unread(app, "sam") == {"count": 0, "counts": "decided"}
    assert _unread(app, "lee") == {"count": 0, "counts": "decided"}
    answer = app.client.post(
        f"/v1/disputes/{dispute}/resolve", json={"decision": "accept", "new_score": 60},
        headers=app.headers("root", write=True),
    )  # fmt: skip
    assert answer.status_code == 200 and answer.json()["seen_at"] is None
    assert _unread(app, "sam") == {"count": 1, "counts": "decided"}
    assert _unread(app, "lee")["count"] == 0
    url = f"/v1/disputes/{dispute}/seen"
    for user, status in (("lee", 404), ("nora", 403), ("root", 403), ("token", 403)):
        assert post(user, url).status_code == status, user
    assert app.client.post(url, headers=app.headers("sam")).status_code == 403  # no CSRF header
    assert post("sam", url).json() == {"marked": 1, "unread": 0}
    assert post("sam", url).json() == {"marked": 0, "unread": 0}
    assert post("sam", "/v1/disputes/seen").json() == {"marked": 0, "unread": 0}
    assert post("nora", "/v1/disputes/seen").status_code == 403
    [listed] = [d for d in app.get("sam", "/v1/disputes").json()["disputes"] if d["id"] == dispute]
    assert listed["seen_at"] is not None
