"""``POST /v1/imports`` and ``GET /v1/imports/{id}``: who may import, progress, problems."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from servicecoach.web.api.import_jobs import upload_name
from tests.server.conftest import conversation_dict
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

    from servicecoach.server import ServiceSettings, create_app
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


def test_api_import_then_scores_the_store(dashboard_app: DashboardApp) -> None:
    answer = _upload(
        dashboard_app, "root", [("scored.jsonl", _jsonl(conversation_dict(id="sc-1")))]
    )
    assert answer.json()["phase"] == "importing" and answer.json()["analyze"] is True
    done = _wait(dashboard_app, "root", answer.json()["url"])
    assert (done["status"], done["phase"]) == ("done", "done"), done
    analysis = done["analysis"]
    assert analysis["conversations"] == done["analyse_total"] == done["analysed"]
    assert analysis["fast"] is True and analysis["run"] > dashboard_app.built.run
    assert done["analysis_error"] is None
    rows = dashboard_app.get("root", "/v1/conversations?limit=200").json()
    assert rows["run"] == analysis["run"]
    assert any(r["external_id"] == "sc-1" for r in rows["rows"])


def test_api_import_without_analysis(dashboard_app: DashboardApp) -> None:
    content = _jsonl(conversation_dict(id="sc-2"))
    answer = _upload(dashboard_app, "root", [("later.jsonl", content)], analyze="false")
    done = _wait(dashboard_app, "root", answer.json()["url"])
    assert (done["status"], done["phase"], done["analyze"]) == ("done", "done", False)
    assert done["analysis"] is None and done["analysed"] == 0


def test_api_import_failure_keeps_its_parameter_wording(dashboard_app: DashboardApp) -> None:
    answer = _upload(dashboard_app, "root", [("bad.jsonl", b"{not json\n")])
    failed = _wait(dashboard_app, "root", answer.json()["url"])
    assert (failed["status"], failed["phase"]) == ("failed", "importing")
    assert "send skip_invalid=true" in failed["error"]
    assert failed["analysis"] is None


def test_api_import_unknown_format_does_not_talk_of_options(dashboard_app: DashboardApp) -> None:
    answer = _upload(dashboard_app, "root", [("notes.txt", b"hello there\n")])
    failed = _wait(dashboard_app, "root", answer.json()["url"])
    assert failed["error"].startswith("notes.txt: no format recognises it; nothing was imported")
    assert "--format" not in failed["error"]


def test_api_import_phases_show_while_scoring(
    dashboard_app: DashboardApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the store is scored the job says ``analysing`` with the import's summary."""
    import threading

    from servicecoach.web.api import import_jobs

    release = threading.Event()
    real = import_jobs.analyze_store

    def held(*args: Any, **kwargs: Any) -> tuple[int, int]:
        kwargs["progress"](0, 9, 0)
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "analyze_store", held)
    answer = _upload(dashboard_app, "root", [("held.jsonl", _jsonl(conversation_dict(id="sc-3")))])
    url = answer.json()["url"]
    try:
        for _ in range(200):
            body = dashboard_app.get("root", url).json()
            if body["phase"] == "analysing":
                break
            time.sleep(0.02)
        assert (body["status"], body["phase"]) == ("running", "analysing"), body
        assert body["summary"]["conversations_new"] == 1
        assert (body["analysed"], body["analyse_total"], body["progress"]) == (0, 9, 0)
    finally:
        release.set()
    done = _wait(dashboard_app, "root", url)
    assert done["phase"] == "done" and done["analysis"] is not None


def test_api_import_analysis_failure_leaves_the_import(
    dashboard_app: DashboardApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicecoach.web.api import import_jobs

    def broken(*args: Any, **kwargs: Any) -> tuple[int, int]:
        raise RuntimeError("SELECT secret FROM rows")

    monkeypatch.setattr(import_jobs, "analyze_store", broken)
    answer = _upload(dashboard_app, "root", [("x.jsonl", _jsonl(conversation_dict(id="sc-4")))])
    done = _wait(dashboard_app, "root", answer.json()["url"])
    assert done["status"] == "done" and done["summary"]["conversations_new"] == 1
    assert done["analysis"] is None
    assert done["analysis_error"].startswith("the conversations were imported but not scored")
    assert "SELECT" not in done["analysis_error"]
