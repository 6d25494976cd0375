"""The import page: upload a file, follow its progress, see problems by file and line."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SAMPLES
from tests.web.pages.conftest import csrf_of
from tests.web.pages.spread_data import write_spread_file

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
        if state["status"] in ("done", "failed"):
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


def test_an_import_is_scored_and_its_conversations_listed(as_user: Login, tmp_path: Path) -> None:
    client = as_user("nora")
    data = write_spread_file(tmp_path / "spread.jsonl").read_bytes()
    page = _finished(client, _upload(client, "spread.jsonl", data))
    assert 'data-status="done"' in page and 'data-phase="done"' in page
    assert "14 new and 0 updated conversations" in page
    assert "Scored: " in page and "(rules only: the service runs with SERVICECOACH_FAST)" in page
    assert "servicecoach analyze" not in page
    assert "The conversations of this import (14)" in page
    assert page.count('<tr><td><a href="/conversations/') == 14
    assert ">jsonl:es-1</a>" in page and "Spanish: not scored yet" in page
    assert '<a href="/?start=2024-03-12&amp;end=2024-06-04">See them on the overview</a>' in page
    assert 'href="/conversations?start=2018-01-09&amp;end=2024-06-04"' in page
    spanish = page.split(">jsonl:es-1</a>")[0].rsplit('href="', 1)[1].rstrip('"')
    assert "Written in Spanish: not scored yet." in client.get(spanish).text  # in the lead's view


def test_a_failed_import_names_the_checkbox_not_the_parameter(as_user: Login) -> None:
    client = as_user("root")
    data = b'{"format": 1, "id": "a", "channel": "chat", "messages": []}\n{not json\n'
    page = _finished(client, _upload(client, "bad.jsonl", data))
    assert 'data-status="failed"' in page
    assert "tick “Import the valid records and list the invalid ones” (ticked below)" in page
    assert "skip_invalid=true" not in page
    assert '<input type="checkbox" name="skip_invalid" value="true" checked>' in page


def test_an_unknown_format_does_not_talk_of_options(as_user: Login) -> None:
    client = as_user("root")
    page = _finished(client, _upload(client, "notes.txt", b"hello there\n"))
    assert "notes.txt: no format recognises it; nothing was imported" in page
    assert "--format" not in page
    assert '<input type="checkbox" name="skip_invalid" value="true">' in page  # not ticked


def test_the_page_follows_the_scoring(as_user: Login, monkeypatch: pytest.MonkeyPatch) -> None:
    from servicecoach.web.api import import_jobs

    release = threading.Event()
    real = import_jobs.analyze_store

    def held(*args: Any, **kwargs: Any) -> tuple[int, int]:
        kwargs["progress"](3, 12, 3)
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "analyze_store", held)
    client = as_user("nora")
    good = Path(SAMPLES / "native" / "northwind.jsonl").read_bytes()
    location = _upload(client, "northwind.jsonl", good)
    try:
        for _ in range(200):
            if client.get(location, headers={"accept": "application/json"}).json()["analysed"]:
                break
            time.sleep(0.02)
        page = client.get(location).text
        assert 'data-phase="analysing"' in page and f'data-poll="{location}"' in page
        assert "Scoring the conversations… 3 of 12 scored." in page
        assert '<progress max="100" value="25">' in page
        assert '<li class="passed">Import</li>' in page and '<li class="current">Score</li>' in page
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    finally:
        release.set()
    assert "data-poll" not in _finished(client, location)
