"""Tests for the Help Scout importer (samples written for these tests, in the API's shape)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.helpscout import HelpScoutImporter
from servicecoach.ingest.registry import detect_format, importers
from servicecoach.model.conversation import Channel, Role
from servicecoach.testing import read_all
from tests.conftest import SAMPLES
from tests.ingest.jsonfiles import ANY_JSON, JsonFiles, head, other_samples, sample_id

SAMPLE = SAMPLES / "helpscout" / "conversations.json"
IMPORTER = HelpScoutImporter()
FILES = JsonFiles(IMPORTER, "helpscout.json")
_PEOPLE = {
    "customer": {"id": 80012, "type": "customer", "first": "Mei", "last": "Lin"},
    "user": {"id": 7302, "type": "user", "first": "Priya", "last": "Shah"},
}


def _thread(thread_id: int, kind: str, body: str | None, by: str = "user", **fields: Any) -> Any:
    thread: dict[str, Any] = {
        "id": thread_id,
        "type": kind,
        "state": "published",
        "body": body,
        "createdBy": _PEOPLE[by],
        "createdAt": f"2024-05-14T08:{thread_id:02d}:00Z",
    }
    thread.update(fields)
    return thread


def _conversation(*threads: Any, **fields: Any) -> dict[str, Any]:
    conversation: dict[str, Any] = {
        "id": 501,
        "number": 12,
        "type": "email",
        "mailboxId": 3,
        "createdAt": "2024-05-14T08:00:00Z",
        "primaryCustomer": _PEOPLE["customer"],
        "_embedded": {
            "threads": list(threads)
            or [_thread(1, "customer", "<p>My stove broke</p>", "customer")]
        },
    }
    conversation.update(fields)
    return conversation


def test_helpscout_sample_conversations() -> None:
    conversations, problems = read_all(IMPORTER, [SAMPLE])
    assert problems == []
    assert [(c.id, c.channel, len(c)) for c in conversations] == [
        ("helpscout-2391804", Channel.EMAIL, 4),
        ("helpscout-2391977", Channel.CHAT, 3),
    ]
    stove, chat = conversations
    # the API lists threads newest first; messages are in time order
    assert [(m.id, m.role, m.internal) for m in stove] == [
        ("70000388", Role.CUSTOMER, False),
        ("70000401", Role.AGENT, False),
        ("70000402", Role.AGENT, True),
        ("70000414", Role.CUSTOMER, False),
    ]
    assert stove.messages[3].text == (
        "Thanks Priya, the new jet fixed it. Boiled water in four minutes this morning!"
    )  # the quoted reply is trimmed
    assert stove.messages[1].author == "Priya Shah"
    assert stove.messages[0].at is not None
    assert stove.messages[0].at.isoformat() == "2024-05-14T08:02:11+00:00"
    assert (stove.customer.id, stove.customer.name, stove.customer.email) == (
        "80012",
        "Mei Lin",
        "meilin@example.com",
    )
    assert stove.meta["dropped_threads"] == {"lineitem": 1}
    assert stove.meta["tags"] == ["stoves"]
    assert stove.meta["assignee"] == "Priya Shah"
    assert [(m.role, m.author) for m in chat] == [
        (Role.CUSTOMER, "Kev Morgan"),
        (Role.AGENT, "Sam Ortiz"),
        (Role.CUSTOMER, "Kev Morgan"),
    ]
    assert chat.meta["dropped_threads"] == {"reply (draft)": 1}
    for conversation in conversations:
        assert conversation.source == "helpscout"
        assert conversation.messages == conversation.chronological()


@pytest.mark.parametrize(
    ("kind", "by", "role", "internal"),
    [
        ("customer", "customer", Role.CUSTOMER, False),
        ("customer", "user", Role.CUSTOMER, False),  # typed in by an agent for the customer
        ("reply", "user", Role.AGENT, False),
        ("message", "user", Role.AGENT, False),
        ("chat", "customer", Role.CUSTOMER, False),
        ("chat", "user", Role.AGENT, False),
        ("note", "user", Role.AGENT, True),
        ("phone", "user", Role.AGENT, True),
    ],
)
def test_helpscout_roles_from_the_thread_type(
    tmp_path: Path, kind: str, by: str, role: Role, internal: bool
) -> None:
    threads = (_thread(1, "customer", "Hello", "customer"), _thread(2, kind, "<p>Words</p>", by))
    (conversation,) = FILES.read(tmp_path, _conversation(*threads))
    message = conversation.messages[1]
    assert (message.role, message.internal) == (role, internal)


@pytest.mark.parametrize(
    ("document", "count"),
    [
        (_conversation(), 1),
        ([_conversation(), _conversation(id=502)], 2),
        ({"_embedded": {"conversations": [_conversation()]}, "page": {}}, 1),
        ({"conversations": [_conversation()]}, 1),
    ],
)
def test_helpscout_accepted_shapes(tmp_path: Path, document: object, count: int) -> None:
    assert len(FILES.read(tmp_path, document)) == count


def test_helpscout_line_items_drafts_and_empty_threads_are_dropped(tmp_path: Path) -> None:
    threads = (
        _thread(1, "customer", "It broke", "customer"),
        _thread(2, "lineitem", None, action={"text": "Assigned to Priya"}),
        _thread(3, "reply", "<p>Draft</p>", state="draft"),
        _thread(4, "reply", ""),
        _thread(5, "reply", "", attachments=[{"mimeType": "image/png"}]),
        _thread(6, "forwardparent", "<p>Forwarded</p>"),
    )
    (conversation,) = FILES.read(tmp_path, _conversation(*threads))
    assert [(m.id, m.text) for m in conversation] == [("1", "It broke"), ("5", "")]
    assert conversation.messages[1].meta == {"attachments": ["image/png"]}
    assert conversation.meta["dropped_threads"] == {
        "forwardparent": 1,
        "lineitem": 1,
        "reply (draft)": 1,
        "reply (no body)": 1,
    }


def test_helpscout_conversation_without_threads_is_a_problem(tmp_path: Path) -> None:
    listed = _conversation()
    del listed["_embedded"]
    conversations, problems = FILES.read_all(tmp_path, [listed])
    assert conversations == []
    (problem,) = problems
    assert problem.location == "conversation 1 (id 501)"
    assert problem.message == (
        "the conversation has no message with text: not imported (it has no threads)"
    )
    assert "embed=threads" in problem.fix


@pytest.mark.parametrize(
    ("thread", "message"),
    [
        (_thread(2, "voicemail", "hi"), "unknown thread type 'voicemail'"),
        (_thread(2, "reply", "hi", createdAt="later"), "'createdAt' is not a date"),
        (_thread(2, "reply", {"html": "hi"}), "'body' must be text or null"),
        (_thread(2, "chat", "hi", createdBy={"type": "robot"}), "a chat thread by 'robot'"),
        ([], "a thread must be a JSON object"),
        (_thread(2, "reply", "hi", id=None), "the thread has no 'id'"),
    ],
)
def test_helpscout_bad_threads_are_reported_and_skipped(
    tmp_path: Path, thread: object, message: str
) -> None:
    good = _thread(1, "customer", "It broke", "customer")
    conversations, problems = FILES.read_all(tmp_path, _conversation(good, thread))
    assert [[m.id for m in c] for c in conversations] == [["1"]]
    (problem,) = problems
    assert problem.location.startswith("conversation 1 (id 501), thread 2")
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("conversation", "message"),
    [
        (7, "a conversation must be a JSON object"),
        (_conversation(id=None), "the conversation has no 'id'"),
        (_conversation(_embedded={"threads": {}}), "'_embedded.threads' must be a list"),
        (_conversation(createdAt="Tuesday"), "'createdAt' is not a date"),
    ],
)
def test_helpscout_bad_conversations_are_reported(
    tmp_path: Path, conversation: object, message: str
) -> None:
    data = [conversation, _conversation(id=9)]
    conversations, problems = FILES.read_all(tmp_path, data)
    assert [c.id for c in conversations] == ["helpscout-9"]
    (problem,) = problems
    assert problem.message.startswith(message)


def test_helpscout_customer_without_primary_customer(tmp_path: Path) -> None:
    conversation = _conversation()
    del conversation["primaryCustomer"]
    (read,) = FILES.read(tmp_path, conversation)
    assert (read.customer.id, read.customer.name) == ("80012", "Mei Lin")


def test_helpscout_unreadable_file(tmp_path: Path) -> None:
    path = FILES.write(tmp_path, {"tickets": []})
    with pytest.raises(InvalidFileError, match="not a Help Scout conversations document"):
        read_all(IMPORTER, [path])


def test_helpscout_detect() -> None:
    assert IMPORTER.detect(SAMPLE, head(SAMPLE)) == 95
    assert detect_format(SAMPLE, importers().values()).name == "helpscout"


@pytest.mark.parametrize("path", other_samples("helpscout"), ids=sample_id)
def test_helpscout_detect_ignores_other_formats(path: Path) -> None:
    assert IMPORTER.detect(path, head(path)) == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=ANY_JSON,
    key=st.sampled_from(["_embedded", "primaryCustomer", "createdAt", "id", "tags", "assignee"]),
)
def test_helpscout_fuzz_never_crashes(value: object, key: str) -> None:
    document = _conversation()
    document[key] = value
    FILES.read_never_crashes(document)


def test_helpscout_list_is_read_as_a_stream(tmp_path: Path) -> None:
    """Conversations come one at a time: those before a broken tail are already read."""
    path = tmp_path / "helpscout.json"
    good = json.dumps([_conversation(), _conversation(id=502)])
    path.write_text(good[:-1] + ', {"id": ', encoding="utf-8")
    assert FILES.read_until_broken(path) == ["helpscout-501", "helpscout-502"]
