"""Review queues: filled by a lead's sampling choice within scope, worked through by the
reviewer; store on every backend, the API and the hub page."""

from __future__ import annotations

import pytest

from servicecoach.errors import ConfigError
from servicecoach.review.sampling import Strategy
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.review_queue import candidates, fill_queue, queue_items, remove_item
from servicecoach.store.reviews import save_review
from servicecoach.store.users import create_user
from tests.store.dashboard_data import Built
from tests.web.conftest import DashboardApp

NORTH = Scope.team("north")


@pytest.fixture
def staffed(store: Store, built: Built) -> Built:
    with store.begin() as connection:
        create_user(connection, "root", "a long password", "admin")
        create_user(connection, "nora", "a long password", "lead", team="north")
        create_user(connection, "sol", "a long password", "lead", team="south")
    return built


def test_store_queue_lowest_first_in_scope_then_done(store: Store, staffed: Built) -> None:
    pks = staffed.pks
    with store.begin() as connection:
        assert {c.conversation_id for c in candidates(connection, NORTH, "nora")} == {
            pks["c1"], pks["c2"], pks["c3"],
        }  # fmt: skip
        added = fill_queue(connection, NORTH, reviewer="nora", strategy=Strategy.LOWEST,
                           count=2, assigned_by="nora")  # fmt: skip
        assert [(i.conversation, i.why, i.team) for i in added] == [
            ("c2", "quality 50", "north"), ("c3", "quality 50", "north"),
        ]  # fmt: skip
        again = fill_queue(connection, NORTH, reviewer="nora", strategy=Strategy.LOWEST,
                           count=5, assigned_by="nora")  # fmt: skip
        assert [i.conversation for i in again] == ["c1"]  # queued ones are not offered twice
        save_review(connection, NORTH, conversation_id=pks["c2"], reviewer="nora",
                    rubric_version="r", scores={"empathy": 50})  # fmt: skip
        items = queue_items(connection, Scope.everything(), reviewer="nora")
        assert [(i.conversation, i.done) for i in items] == [
            ("c3", False),
            ("c1", False),
            ("c2", True),
        ]
        assert queue_items(connection, Scope.team("south")) == []
        assert queue_items(connection, Scope.agent("sam")) == []
        with pytest.raises(ConfigError, match="'sol' cannot review"):
            fill_queue(
                connection,
                NORTH,
                reviewer="sol",
                strategy=Strategy.RANDOM,
                count=1,
                assigned_by="nora",
            )
        with pytest.raises(ConfigError, match="between 1 and 50"):
            fill_queue(
                connection,
                NORTH,
                reviewer="nora",
                strategy=Strategy.RANDOM,
                count=0,
                assigned_by="nora",
            )
        # an admin filling a lead's queue gives only that lead's team's conversations
        fill_queue(connection, Scope.everything(), reviewer="sol", strategy=Strategy.OUTLIERS,
                   count=5, assigned_by="root")  # fmt: skip
        assert [
            i.conversation for i in queue_items(connection, Scope.everything(), reviewer="sol")
        ] == ["c4"]
        from servicecoach.errors import NotFoundError

        with pytest.raises(NotFoundError):
            remove_item(connection, Scope.team("south"), items[0].id)
        remove_item(connection, NORTH, items[0].id)
        assert len(queue_items(connection, NORTH)) == 2


def test_api_queue_fill_and_read(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    body = {"reviewer": "nora", "strategy": "outliers", "count": 1}
    assert (
        app.client.post(
            "/v1/reviews/queue", json=body, headers=app.headers("sam", write=True)
        ).status_code
        == 403
    )
    assert (
        app.client.post(
            "/v1/reviews/queue",
            json={**body, "strategy": "vibes"},
            headers=app.headers("nora", write=True),
        ).status_code
        == 422
    )
    answer = app.client.post(
        "/v1/reviews/queue", json=body, headers=app.headers("nora", write=True)
    )
    assert answer.status_code == 201, answer.text
    [item] = answer.json()["added"]
    assert item["conversation"] == "c2" and "messages" in item["why"]  # 5 messages, the longest
    assert [i["id"] for i in app.get("nora", "/v1/reviews/queue").json()["items"]] == [item["id"]]
    assert app.get("sol", "/v1/reviews/queue?reviewer=*").json()["items"] == []
    assert [
        i["id"] for i in app.get("root", "/v1/reviews/queue?reviewer=nora").json()["items"]
    ] == [item["id"]]


def test_queue_on_the_hub_page(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    form = {
        "csrf_token": app.logins["nora"].csrf,
        "reviewer": "nora",
        "strategy": "lowest",
        "count": "1",
    }
    answer = app.client.post("/reviews/queue", data=form, headers=app.headers("nora"))
    assert answer.status_code == 200 and "1 conversation queued." in answer.text
    assert 'id="my-queue"' in answer.text and "quality 50" in answer.text
    bad = app.client.post(
        "/reviews/queue", data={**form, "count": "many"}, headers=app.headers("nora")
    )
    assert bad.status_code == 400 and "is not a number" in bad.text
    bad = app.client.post(
        "/reviews/queue", data={**form, "strategy": "vibes"}, headers=app.headers("nora")
    )
    assert bad.status_code == 400 and "choose a sampling strategy" in bad.text
    agent = app.get("sam", "/reviews").text
    assert 'id="queue-form"' not in agent
