"""``POST /v1/imports`` and ``GET /v1/imports/{id}``: who may import, progress, problems."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from servicecoach.web.api.import_jobs import upload_name
from tests.api.conftest import conversation_dict
from tests.web.conftest import DashboardApp


def _jsonl(*conversations: dict[str, Any]) -> bytes:
    return "".join(json.dumps(c) + "\n" for c in conversations).encode("utf-8")


def _upload(app: DashboardApp, user: str, files: list[tuple[str, bytes]], **data: str) -> Any:
    return app.client.post(
        "/v1/imports",
        files=[("files", (name, content, "application/octet-stream")) for name, content in files],
        data=data,
        headers=app.headers(user, write=True),
    )


def _wait(app: DashboardApp, user: str, url: str) -> dict[str, Any]:
    for _ in range(200):
        body: dict[str, Any] = app.get(user, url).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"the import did not finish: {body}")


def test_api_import_good_files(dashboard_app: DashboardApp) -> None:
    files = [
        ("../../etc/first.jsonl", _jsonl(conversation_dict(id="web-1"))),
        ("second.jsonl", _jsonl(conversation_dict(id="web-2"), conversation_dict(id="web-3"))),
    ]
    answer = _upload(dashboard_app, "nora", files)
    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert answer.headers["location"] == started["url"]
    assert [f["name"] for f in started["files"]] == ["first.jsonl", "second.jsonl"]
    done = _wait(dashboard_app, "nora", started["url"])
    assert done["status"] == "done", done
    assert done["summary"]["conversations_new"] == 3
    assert done["progress"] == 1 and done["problems"] == []
    assert dashboard_app.get("root", started["url"]).status_code == 200  # admins see all
    assert dashboard_app.get("sol", started["url"]).status_code == 404  # another lead


def test_api_import_bad_file_names_file_and_line(dashboard_app: DashboardApp) -> None:
    bad = conversation_dict(id="web-9")
    bad["messages"][1]["role"] = "boss"
    content = _jsonl(conversation_dict(id="web-8"), bad)
    answer = _upload(dashboard_app, "root", [("tickets.jsonl", content)])
    assert answer.status_code == 202, answer.text
    failed = _wait(dashboard_app, "root", answer.json()["url"])
    assert failed["status"] == "failed"
    assert "nothing was imported" in failed["error"]
    problem = failed["problems"][0]
    assert (problem["file"], problem["line"]) == ("tickets.jsonl", 2)
    assert "boss" in problem["message"]
    assert "/tmp" not in json.dumps(failed)


def test_api_import_skip_invalid_keeps_the_good(dashboard_app: DashboardApp) -> None:
    bad = conversation_dict(id="web-19")
    bad["messages"][0]["role"] = "boss"
    content = _jsonl(conversation_dict(id="web-18"), bad)
    answer = _upload(dashboard_app, "root", [("mixed.jsonl", content)], skip_invalid="true")
    done = _wait(dashboard_app, "root", answer.json()["url"])
    assert done["status"] == "done", done
    assert done["summary"]["conversations_new"] == 1 and done["problem_count"] == 1


def test_api_import_unknown_format(dashboard_app: DashboardApp) -> None:
    answer = _upload(dashboard_app, "root", [("notes.txt", b"hello there\n")])
    failed = _wait(dashboard_app, "root", answer.json()["url"])
    assert failed["status"] == "failed" and "notes.txt" in failed["error"]
    assert "/tmp" not in failed["error"]


@pytest.mark.parametrize(("user", "status"), [("sam", 403), ("newbie", 403), ("anonymous", 401)])
def test_api_import_only_admins_and_leads(
    dashboard_app: DashboardApp, user: str, status: int
) -> None:
    answer = _upload(dashboard_app, user, [("x.jsonl", _jsonl(conversation_dict()))])
    assert answer.status_code == status
    assert dashboard_app.get(user, "/v1/imports/whatever").status_code == status


def test_api_import_needs_csrf_for_sessions(dashboard_app: DashboardApp) -> None:
    answer = dashboard_app.client.post(
        "/v1/imports",
        files=[("files", ("x.jsonl", _jsonl(conversation_dict()), "application/json"))],
        headers=dashboard_app.headers("root"),
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "csrf_failed"


def test_api_import_token_and_missing_files(dashboard_app: DashboardApp) -> None:
    headers = dashboard_app.headers("token")
    answer = dashboard_app.client.post("/v1/imports", data={"x": "1"}, headers=headers)
    assert answer.status_code == 422
    assert dashboard_app.get("token", "/v1/imports/nope").status_code == 404


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tickets.jsonl", "tickets.jsonl"),
        ("../../etc/passwd", "passwd"),
        ("C:\\exports\\chat.json", "chat.json"),
        (".hidden.jsonl", "hidden.jsonl"),
        ("", "upload"),
        (None, "upload"),
        ("naïve €.csv", "na_ve _.csv"),
    ],
)
def test_api_import_upload_names_are_safe(name: str | None, expected: str) -> None:
    assert upload_name(name, set()) == expected


def test_api_import_upload_names_are_unique() -> None:
    taken: set[str] = set()
    assert [upload_name("a.jsonl", taken) for _ in range(3)] == ["a.jsonl", "a-2.jsonl",
                                                                 "a-3.jsonl"]  # fmt: skip


def test_api_import_has_its_own_body_limit(web_db: str) -> None:
    from fastapi.testclient import TestClient

    from servicecoach.api import ServiceSettings, create_app
    from servicecoach.store.database import Store
    from servicecoach.store.tokens import create_token

    with Store.open(web_db) as store, store.begin() as connection:
        token = create_token(connection, "limit").secret
    settings = ServiceSettings(db=web_db, fast=True, max_body_bytes=1024, upload_max_bytes=4096)
    headers = {"Authorization": f"Bearer {token}"}
    small = _jsonl(
        *(conversation_dict(id=f"lim-{n}") for n in range(2))
    )  # over the 1 KiB JSON limit, under the upload limit
    assert len(small) > 1024
    with TestClient(create_app(settings)) as client:
        answer = client.post("/v1/imports", files=[("files", ("a.jsonl", small))], headers=headers)
        assert answer.status_code == 202, answer.text
        big = [("files", ("b.jsonl", small * 4))]
        answer = client.post("/v1/imports", files=big, headers=headers)
        assert answer.status_code == 413
        assert answer.json()["error"]["code"] == "payload_too_large"
