"""Valid or plausible input never crashes ``servicecoach import`` (issue 11 item 8).

Through the command line, as a user runs it, with a store that already holds data:

- a time whose zone moves it out of years 1-9999 in UTC is a problem naming the file
  and the record: exit 3 and the store unchanged, or with ``--skip-invalid`` the other
  records imported;
- a lone surrogate (valid JSON) is stored as U+FFFD;
- Chatwoot fields of the wrong type are problems naming the record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES
from tests.fuzz.cli import Run, database_digest, run_servicecoach

FAR = "9999-12-31T23:59:59-14:00"
"""Valid ISO 8601, but 10000-01-01T13:59:59 in UTC."""


def _jsonl() -> bytes:
    lines = (SAMPLES / "native" / "northwind.jsonl").read_text(encoding="utf-8").splitlines()
    second = json.loads(lines[1])
    second["messages"][0]["at"] = FAR
    return "\n".join([lines[0], json.dumps(second), *lines[2:]]).encode() + b"\n"


def _zendesk() -> bytes:
    document = json.loads((SAMPLES / "zendesk" / "tickets.json").read_bytes())
    document["tickets"][1]["comments"][0]["created_at"] = "9999-12-31 23:59:59 -1400"
    return json.dumps(document).encode()


def _chatwoot_sample() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The Chatwoot sample (the conversation list endpoint) and its conversations."""
    document = json.loads((SAMPLES / "chatwoot" / "conversations.json").read_bytes())
    return document, document["data"]["payload"]


def _chatwoot() -> bytes:
    document, conversations = _chatwoot_sample()
    conversations[1]["messages"][0]["created_at"] = FAR
    return json.dumps(document).encode()


def _twcs() -> bytes:
    text = (SAMPLES / "twcs" / "northwind_tweets.csv").read_text(encoding="utf-8")
    return text.replace("Thu May 02 14:09:40 +0000 2024", "Fri Dec 31 23:59:59 -1400 9999").encode()


def _email() -> bytes:
    text = (SAMPLES / "email" / "support.mbox").read_text(encoding="utf-8")
    first = text.index("\nDate: ") + len("\nDate: ")
    end = text.index("\n", first)
    return (text[:first] + "Fri, 31 Dec 9999 23:59:59 -1400" + text[end:]).encode()


_FAR_TIMES: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("jsonl", "northwind.jsonl", _jsonl, "line 2: message 's1' 'at' is out of range"),
    ("zendesk", "tickets.json", _zendesk, "comment 1: 'created_at' is out of range"),
    ("chatwoot", "conversations.json", _chatwoot, "message 1: 'created_at' is out of range"),
    ("twcs", "tweets.csv", _twcs, "'created_at' is out of range"),
    ("email", "support.mbox", _email, "'Date' is out of range"),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store that already holds the native sample."""
    path = tmp_path / "store.db"
    sample = SAMPLES / "native" / "northwind.jsonl"
    assert run_servicecoach("import", str(sample), "--db", str(path), "-q").code == 0
    return path


def _import(db: Path, file: Path, *args: str) -> Run:
    return run_servicecoach("import", str(file), "--db", str(db), "--format", *args)


def _no_crash(run: Run) -> None:
    for leak in ("Traceback", "internal error", "[SQL:", "[parameters:"):
        assert leak not in run.out + run.err


@pytest.mark.parametrize(("format_name", "name", "build", "names"), _FAR_TIMES)
def test_hostile_time_out_of_range_rolls_the_import_back(
    tmp_path: Path, db: Path, format_name: str, name: str, build: Callable[[], bytes], names: str
) -> None:
    file = tmp_path / name
    file.write_bytes(build())
    before = database_digest(db)
    run = _import(db, file, format_name, "-q")
    _no_crash(run)
    assert run.code == 3, run.err
    assert f"{file}, " in run.err
    assert names in run.err
    assert "(in UTC the time must fall in the years 1 to 9999)" in run.err
    assert database_digest(db) == before


@pytest.mark.parametrize(("format_name", "name", "build", "names"), _FAR_TIMES)
def test_hostile_time_out_of_range_is_skipped_with_skip_invalid(
    tmp_path: Path, db: Path, format_name: str, name: str, build: Callable[[], bytes], names: str
) -> None:
    file = tmp_path / name
    file.write_bytes(build())
    run = _import(db, file, format_name, "--skip-invalid", "--json")
    _no_crash(run)
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["skipped"] == 1
    assert report["conversations_read"] >= 1
    [problem] = report["problems"]
    assert problem["path"] == str(file)
    assert "is out of range" in problem["message"]


def test_hostile_lone_surrogates_are_stored_as_replacement_characters(
    tmp_path: Path, db: Path
) -> None:
    file = tmp_path / "marked.jsonl"
    text = (SAMPLES / "native" / "northwind.jsonl").read_text(encoding="utf-8")
    for key in ("id", "text", "author", "name"):
        text = text.replace(f'"{key}": "', f'"{key}": "\\ud800')
    extra = '"extra\\udfff": "\\udc80", "channel": "'  # an unknown key goes to meta
    file.write_text(text.replace('"channel": "', extra), "utf-8")
    run = _import(db, file, "jsonl", "--json")
    _no_crash(run)
    assert run.code == 0, run.err
    exported = run_servicecoach("export", "--db", str(db))
    assert exported.code == 0, exported.err
    marked = [json.loads(line) for line in exported.out.splitlines() if "\ufffd" in line]
    assert {c["id"] for c in marked} == {"\ufffdweb-1042", "\ufffdsms-2207", "\ufffdweb-1077"}
    assert all(m["text"].startswith("\ufffd") for c in marked for m in c["messages"])


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"message_type": {}}, "unknown 'message_type' {}"),
        ({"message_type": [0]}, "unknown 'message_type' [0]"),
        ({"created_at": {"at": 1}}, "'created_at' is not a Unix time: {'at': 1}"),
        ({"content": ["hi"]}, "'content' must be text or null"),
    ],
)
def test_hostile_chatwoot_fields_of_the_wrong_type_name_the_record(
    tmp_path: Path, db: Path, change: dict[str, object], names: str
) -> None:
    document, conversations = _chatwoot_sample()
    conversations[0]["messages"][1].update(change)
    conversations[1]["meta"] = ["not", "an", "object"]
    conversations[2]["meta"] = {"sender": "nobody", "channel": 3}
    file = tmp_path / "conversations.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    before = database_digest(db)
    run = _import(db, file, "chatwoot", "-q")
    _no_crash(run)
    assert run.code == 3, run.err
    assert f"{file}, conversation 1 (id " in run.err
    assert f"), message 2: {names}" in run.err
    assert database_digest(db) == before
