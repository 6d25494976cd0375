"""Each role reaches what it may and nothing else, on every ``/v1`` data route.

Users of the dashboard store (tests/store/dashboard_data.py): ``root`` admin; ``nora``
lead of north (agents sam, ana); ``sol`` lead of south (lee); agents ``sam`` and
``lee``; ``newbie``, an agent whose id matches no conversation; ``token``, an API token.
Conversations: c1, c2 (sam), c3 (ana), c4 (lee), c5 (bot only: admins).
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.web.conftest import DashboardApp

ALL = {"c1", "c2", "c3", "c4", "c5"}
SEES = {
    "root": ALL,
    "token": ALL,
    "nora": {"c1", "c2", "c3"},
    "sol": {"c4"},
    "sam": {"c1", "c2"},
    "lee": {"c4"},
    "newbie": set(),
}


@pytest.mark.parametrize(("user", "expected"), sorted(SEES.items()))
def test_api_list_shows_only_rows_in_scope(
    dashboard_app: DashboardApp, user: str, expected: set[str]
) -> None:
    answer = dashboard_app.get(user, "/v1/conversations?limit=200")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {row["external_id"] for row in body["rows"]} == expected
    assert body["total"] == len(expected)
    if expected:
        assert "empathy" in body["rows"][0] and "first_response_s" in body["rows"][0]


@pytest.mark.parametrize("user", ["sam", "lee", "nora"])
def test_api_filters_cannot_widen_the_scope(dashboard_app: DashboardApp, user: str) -> None:
    for agent in ("sam", "ana", "lee"):
        rows = dashboard_app.get(user, f"/v1/conversations?agent={agent}").json()["rows"]
        assert {r["external_id"] for r in rows} <= SEES[user]


@pytest.mark.parametrize(("user", "expected"), sorted(SEES.items()))
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_api_export_streams_only_rows_in_scope(
    dashboard_app: DashboardApp, user: str, expected: set[str], fmt: str
) -> None:
    answer = dashboard_app.get(user, f"/v1/conversations/export?format={fmt}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(answer.text)))
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in answer.text.splitlines() if line]
    else:
        rows = answer.json()
    assert {row["external_id"] for row in rows} == expected


def test_api_export_csv_has_the_documented_columns(dashboard_app: DashboardApp) -> None:
    from servicecoach.store.conversation_csv import CSV_COLUMNS

    text = dashboard_app.get("root", "/v1/conversations/export").text
    assert text.splitlines()[0].split(",") == list(CSV_COLUMNS)
    assert len(text.splitlines()) == 6


@pytest.mark.parametrize("user", sorted(SEES))
@pytest.mark.parametrize("conversation", sorted(ALL))
def test_api_conversation_is_404_out_of_scope(
    dashboard_app: DashboardApp, user: str, conversation: str
) -> None:
    pk = dashboard_app.built.pks[conversation]
    answer = dashboard_app.get(user, f"/v1/conversations/{pk}")
    if conversation in SEES[user]:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["conversation"]["id"] == conversation
        assert body["result"]["skills"] and body["metrics"]["external_id"] == conversation
    else:
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"]["code"] == "not_found"


def test_api_conversation_has_evidence_and_emotions(dashboard_app: DashboardApp) -> None:
    pk = dashboard_app.built.pks["c1"]
    body = dashboard_app.get("sam", f"/v1/conversations/{pk}").json()
    evidence = [e for s in body["result"]["skills"].values() for e in s["evidence"]]
    assert evidence and {"message", "start", "end", "signal"} <= set(evidence[0])
    assert body["metrics"]["emotion_start"] == "frustration"


AGENT_VISIBLE = {
    "root": {"sam", "ana", "lee"},
    "token": {"sam", "ana", "lee"},
    "nora": {"sam", "ana"},
    "sol": {"lee"},
    "sam": {"sam"},
    "lee": {"lee"},
    "newbie": set(),
}


@pytest.mark.parametrize(("user", "expected"), sorted(AGENT_VISIBLE.items()))
def test_api_agents_and_scorecards_in_scope(
    dashboard_app: DashboardApp, user: str, expected: set[str]
) -> None:
    listed = dashboard_app.get(user, "/v1/agents").json()["agents"]
    assert {a["id"] for a in listed} == expected
    for agent in ("sam", "ana", "lee"):
        answer = dashboard_app.get(user, f"/v1/agents/{agent}/scorecard")
        assert answer.status_code == (200 if agent in expected else 404), (agent, answer.text)
        notes = dashboard_app.get(user, f"/v1/agents/{agent}/notes")
        assert notes.status_code == (200 if agent in expected else 404)
    if "sam" in expected:
        card = dashboard_app.get(user, "/v1/agents/sam/scorecard").json()
        empathy = next(s for s in card["skills"] if s["skill"] == "empathy")
        assert empathy["mean"] == 60 and empathy["strongest"]


@pytest.mark.parametrize(
    ("user", "visible"),
    [("root", 2), ("token", 2), ("nora", 2), ("sam", 2), ("sol", None), ("lee", None)],
)
def test_api_customer_timeline_in_scope(
    dashboard_app: DashboardApp, user: str, visible: int | None
) -> None:
    customer = dashboard_app.built.customers["c1"]
    answer = dashboard_app.get(user, f"/v1/customers/{customer}/timeline")
    if visible is None:
        assert answer.status_code == 404
        return
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert len(body["conversations"]) == visible
    assert body["customer"]["name"] == "Dana Reyes"
    assert any(c["retold"] for c in body["conversations"])


@pytest.mark.parametrize(
    ("user", "total"), [("root", 5), ("token", 5), ("nora", 3), ("sol", 1), ("sam", 2)]
)
def test_api_overview_counts_only_the_scope(
    dashboard_app: DashboardApp, user: str, total: int
) -> None:
    body = dashboard_app.get(user, "/v1/overview").json()
    assert body["total"]["conversations"] == total
    assert body["granularity"] in ("day", "week", "month")


@pytest.mark.parametrize("user", ["root", "nora", "sam"])
def test_api_contact_reasons_answer(dashboard_app: DashboardApp, user: str) -> None:
    answer = dashboard_app.get(user, "/v1/insights/contact-reasons?sort=growth")
    assert answer.status_code == 200, answer.text
    assert "reasons" in answer.json()


@pytest.mark.parametrize(
    "url",
    [
        "/v1/conversations",
        "/v1/conversations/export",
        "/v1/conversations/1",
        "/v1/agents",
        "/v1/agents/sam/scorecard",
        "/v1/agents/sam/notes",
        "/v1/customers/1/timeline",
        "/v1/overview",
        "/v1/insights/contact-reasons",
        "/v1/imports/abc",
    ],
)
def test_api_needs_a_session_or_a_token(dashboard_app: DashboardApp, url: str) -> None:
    answer = dashboard_app.get("anonymous", url)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    bad = dashboard_app.client.get(url, headers={"Authorization": "Bearer sc_nope"})
    assert bad.status_code == 401


def test_api_pagination_links_the_next_page(dashboard_app: DashboardApp) -> None:
    first = dashboard_app.get("root", "/v1/conversations?limit=2&sort=quality&order=asc").json()
    assert first["total"] == 5 and len(first["rows"]) == 2
    assert first["next"].startswith("/v1/conversations?")
    seen = [r["external_id"] for r in first["rows"]]
    url = first["next"]
    while url:
        page = dashboard_app.get("root", url).json()
        seen += [r["external_id"] for r in page["rows"]]
        url = page["next"]
    assert sorted(seen) == sorted(ALL)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/conversations?limit=201", 422),
        ("/v1/conversations?sort=shoe_size", 400),
        ("/v1/conversations?start=2024-06-01&end=2024-05-01", 400),
        ("/v1/conversations?run=99", 404),
        ("/v1/conversations/export?format=xml", 422),
        ("/v1/conversations/999999", 404),
        ("/v1/customers/999999/timeline", 404),
    ],
)
def test_api_explains_bad_requests(dashboard_app: DashboardApp, url: str, status: int) -> None:
    answer = dashboard_app.get("root", url)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["message"]


def test_api_routes_are_in_the_openapi_document(dashboard_app: DashboardApp) -> None:
    document = dashboard_app.client.get("/openapi.json").json()
    expected = {
        ("/v1/conversations", "get"),
        ("/v1/conversations/export", "get"),
        ("/v1/conversations/{conversation_id}", "get"),
        ("/v1/customers/{customer_id}/timeline", "get"),
        ("/v1/agents", "get"),
        ("/v1/agents/{agent_id}/scorecard", "get"),
        ("/v1/agents/{agent_id}/notes", "get"),
        ("/v1/agents/{agent_id}/notes", "post"),
        ("/v1/notes/{note_id}", "delete"),
        ("/v1/overview", "get"),
        ("/v1/insights/contact-reasons", "get"),
        ("/v1/imports", "post"),
        ("/v1/imports/{import_id}", "get"),
    }
    for path, method in expected:
        operation = document["paths"][path][method]
        assert operation["summary"] and operation["tags"], (path, method)
        assert {"401", "404"} <= set(operation["responses"]), (path, method)
    assert not any(p.startswith(("/login", "/test")) for p in document["paths"])
