"""The import page: upload a file, follow its progress, see problems by file and line."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import SAMPLES
from tests.web.pages.conftest import csrf_of

Login = Callable[[str], TestClient]


def _upload(client: TestClient, name: str, data: bytes, *, skip: bool = False) -> str:
    token = csrf_of(client.get("/import").text)
    answer = client.post(
        "/import",
        data={"csrf_token": token, **({"skip_invalid": "true"} if skip else {})},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def _finished(client: TestClient, location: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = client.get(location, headers={"accept": "application/json"}).json()
        if state["status"] != "running":
            return client.get(location).text
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def test_upload_a_sample_and_see_it_done(as_user: Login) -> None:
    client = as_user("nora")
    sample = Path(SAMPLES / "zendesk" / "tickets.json")
    page = _finished(client, _upload(client, "tickets.json", sample.read_bytes()))
    assert 'data-status="done"' in page
    assert "new and 0 updated conversations" in page
    assert 'http-equiv="refresh"' not in page  # it stops refreshing once done


def test_a_broken_file_is_reported_by_name_and_line(as_user: Login) -> None:
    client = as_user("root")
    data = b'{"format": 1, "id": "a", "channel": "chat", "messages": []}\n{not json\n'
    page = _finished(client, _upload(client, "../../broken.jsonl", data))
    assert 'data-status="failed"' in page
    assert "broken.jsonl, line 2" in page
    assert "/tmp" not in page  # the upload's temporary path is never shown


def test_skip_invalid_imports_the_rest_and_lists_the_problems(as_user: Login) -> None:
    client = as_user("nora")
    good = Path(SAMPLES / "native" / "northwind.jsonl").read_bytes().splitlines()[0]
    page = _finished(client, _upload(client, "mixed.jsonl", good + b"\n{not json\n", skip=True))
    assert 'data-status="done"' in page
    assert "mixed.jsonl, line 2" in page


def test_a_lead_cannot_follow_an_admins_import(as_user: Login) -> None:
    location = _upload(as_user("root"), "x.jsonl", b"{not json\n")
    assert as_user("nora").get(location).status_code == 404


def test_an_upload_needs_a_file_and_a_token(as_user: Login) -> None:
    client = as_user("root")
    token = csrf_of(client.get("/import").text)
    assert client.post("/import", data={"csrf_token": token}).status_code == 400
    assert client.post("/import", files={"file": ("a.jsonl", b"{}")}).status_code == 403


def test_an_agent_cannot_upload(as_user: Login) -> None:
    client = as_user("sam")
    token = csrf_of(client.get("/").text)
    answer = client.post("/import", data={"csrf_token": token}, files={"file": ("a.jsonl", b"{}")})
    assert answer.status_code == 403


def test_an_unknown_import_is_not_found(as_user: Login) -> None:
    assert as_user("root").get("/import/nope").status_code == 404
