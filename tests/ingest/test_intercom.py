"""Tests for the Intercom importer (samples written for these tests, in Intercom's API shape)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.intercom import IntercomImporter
from servicecoach.ingest.registry import detect_format, importers
from servicecoach.model.conversation import Channel, Role
from servicecoach.testing import read_all
from tests.conftest import SAMPLES
from tests.ingest.jsonfiles import ANY_JSON, JsonFiles, head, other_samples, sample_id

SAMPLE = SAMPLES / "intercom" / "conversations.json"
IMPORTER = IntercomImporter()
FILES = JsonFiles(IMPORTER, "intercom.json")


def _part(part_id: str, author_type: str, body: str | None, **fields: Any) -> dict[str, Any]:
    part: dict[str, Any] = {
        "type": "conversation_part",
        "id": part_id,
        "part_type": "comment",
        "body": body,
        "created_at": 1714643000 + int(part_id or 0),
        "author": {"type": author_type, "id": f"{author_type}-1", "name": author_type.title()},
    }
    part.update(fields)
    return part


def _conversation(*parts: dict[str, Any], **fields: Any) -> dict[str, Any]:
    conversation: dict[str, Any] = {
        "type": "conversation",
        "id": "501",
        "created_at": 1714643000,
        "source": {
            "type": "conversation",
            "id": "9001",
            "delivered_as": "customer_initiated",
            "body": "<p>My order is late</p>",
            "author": {"type": "user", "id": "u1", "name": "Dana Reyes"},
        },
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "u1"}]},
        "conversation_parts": {"type": "conversation_part.list", "conversation_parts": list(parts)},
    }
    conversation.update(fields)
    return conversation


def test_intercom_sample_conversations() -> None:
    conversations, problems = read_all(IMPORTER, [SAMPLE])
    assert problems == []
    assert [(c.id, c.channel, len(c)) for c in conversations] == [
        ("intercom-88120", Channel.CHAT, 5),
        ("intercom-88134", Channel.EMAIL, 3),
        ("intercom-88157", Channel.CHAT, 3),
    ]
    tent, boots, paddle = conversations
    assert [(m.id, m.role, m.internal) for m in tent] == [
        ("source-4031001", Role.CUSTOMER, False),
        ("991001", Role.BOT, False),
        ("991003", Role.AGENT, False),
        ("991004", Role.AGENT, True),
        ("991005", Role.CUSTOMER, False),
    ]
    assert tent.messages[2].text == (
        "Hi Dana, I'm sorry the footprint was left out. I've sent one today with free express "
        "shipping.\n\nYou'll get the tracking link by email within the hour."
    )
    assert tent.messages[0].at is not None
    assert tent.messages[0].at.isoformat() == "2024-05-02T09:43:00+00:00"
    assert tent.customer.id == "64f0c1aa"
    assert (tent.customer.name, tent.customer.email) == ("Dana Reyes", "dana@example.com")
    assert tent.customer.handles == {"identifier": "nw-cust-4471"}
    assert tent.meta["dropped_parts"] == {"assignment": 1, "close": 1}
    assert tent.meta["tags"] == ["missing-part"]
    assert tent.meta["rating"] == {"rating": 5, "remark": "Quick and kind"}
    assert {m.author for m in tent.by_role(Role.AGENT)} == {"Sam Ortiz"}
    # email: the customer's quoted history is trimmed, the attachment noted
    assert boots.messages[2].text == "Got it, thanks for the quick help!"
    assert boots.messages[1].meta == {"attachments": ["application/pdf"]}
    assert boots.meta["subject"] == "Return label for the Summit boots"
    # an outbound message is the agent's; a reply sent while assigning is a message
    assert [m.role for m in paddle] == [Role.AGENT, Role.CUSTOMER, Role.AGENT]
    assert paddle.messages[2].meta == {"part_type": "assignment"}
    assert paddle.customer.name == "Kev Morgan"
    for conversation in conversations:
        assert conversation.source == "intercom"
        assert conversation.messages == conversation.chronological()


@pytest.mark.parametrize(
    ("author_type", "role"),
    [
        ("user", Role.CUSTOMER),
        ("lead", Role.CUSTOMER),
        ("contact", Role.CUSTOMER),
        ("admin", Role.AGENT),
        ("team", Role.AGENT),
        ("bot", Role.BOT),
    ],
)
def test_intercom_roles_from_the_author_type(tmp_path: Path, author_type: str, role: Role) -> None:
    (conversation,) = FILES.read(tmp_path, _conversation(_part("1", author_type, "<p>Hello</p>")))
    assert conversation.messages[1].role is role


@pytest.mark.parametrize(
    ("document", "count"),
    [
        (_conversation(), 1),
        ([_conversation(), _conversation(id="502")], 2),
        ({"conversations": [_conversation()]}, 1),
        ({"type": "conversation.list", "conversations": []}, 0),
    ],
)
def test_intercom_accepted_shapes(tmp_path: Path, document: object, count: int) -> None:
    assert len(FILES.read(tmp_path, document)) == count


def test_intercom_state_changes_are_dropped_and_counted(tmp_path: Path) -> None:
    parts = (
        _part("1", "admin", None, part_type="assignment"),
        _part("2", "admin", "", part_type="open"),
        _part("3", "admin", "<p>On it!</p>"),
        _part("4", "admin", None, part_type="close"),
        _part("5", "admin", None, part_type="close"),
    )
    (conversation,) = FILES.read(tmp_path, _conversation(*parts))
    assert [m.id for m in conversation] == ["source-9001", "3"]
    assert conversation.meta["dropped_parts"] == {"assignment": 1, "close": 2, "open": 1}


def test_intercom_conversation_without_text_is_a_problem(tmp_path: Path) -> None:
    source = {"type": "conversation", "id": "9001", "body": None, "author": {"type": "user"}}
    empty = _conversation(_part("1", "admin", None, part_type="close"), source=source)
    conversations, problems = FILES.read_all(tmp_path, [empty])
    assert conversations == []
    (problem,) = problems
    assert problem.location == "conversation 1 (id 501)"
    assert problem.message == (
        "the conversation has no message with text: not imported (1 parts without a body)"
    )


@pytest.mark.parametrize(
    ("part", "location", "message"),
    [
        (_part("1", "visitor", "<p>hi</p>"), "part 1", "unknown author type 'visitor'"),
        (_part("1", "user", "hi", created_at="soon"), "part 1", "'created_at' is not a date"),
        (_part("1", "user", ["hi"]), "part 1", "'body' must be text or null"),
        ("hello", "part 1", "a part must be a JSON object"),
        (_part("", "user", "hi"), "part 1", "the part has no 'id'"),
    ],
)
def test_intercom_bad_parts_are_reported_and_skipped(
    tmp_path: Path, part: object, location: str, message: str
) -> None:
    good = _part("2", "admin", "<p>Sorry about that</p>")
    document = _conversation(part, good)  # type: ignore[arg-type]
    conversations, problems = FILES.read_all(tmp_path, document)
    assert [[m.id for m in c] for c in conversations] == [["source-9001", "2"]]
    (problem,) = problems
    assert problem.location == f"conversation 1 (id 501), {location}"
    assert problem.message.startswith(message)
    assert problem.path.name == "intercom.json"


@pytest.mark.parametrize(
    ("conversation", "message"),
    [
        ("x", "a conversation must be a JSON object"),
        (_conversation(id=None), "the conversation has no 'id'"),
        (_conversation(conversation_parts="none"), "'conversation_parts' must be a list"),
        (_conversation(created_at=[1]), "'created_at' is not a Unix time"),
    ],
)
def test_intercom_bad_conversations_are_reported(
    tmp_path: Path, conversation: object, message: str
) -> None:
    conversations, problems = FILES.read_all(tmp_path, [conversation, _conversation()])
    assert [c.id for c in conversations] == ["intercom-501"]
    (problem,) = problems
    assert problem.message.startswith(message)


def test_intercom_several_contacts_are_listed(tmp_path: Path) -> None:
    contacts = {"contacts": [{"id": "u1", "external_id": "crm-9"}, {"id": "u2"}]}
    (conversation,) = FILES.read(tmp_path, _conversation(contacts=contacts))
    assert conversation.customer.id == "u1"
    assert conversation.customer.name == "Dana Reyes"  # from the source's author
    assert conversation.customer.handles == {"identifier": "crm-9"}
    assert conversation.meta["contacts"] == ["u1", "u2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"tickets": []}', "not an Intercom conversations document"),
        ("{not json", "line 1, column 2"),
    ],
)
def test_intercom_unreadable_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        read_all(IMPORTER, [path])
    assert message in str(caught.value.problem)


def test_intercom_detect() -> None:
    assert IMPORTER.detect(SAMPLE, head(SAMPLE)) == 95
    assert detect_format(SAMPLE, importers().values()).name == "intercom"


@pytest.mark.parametrize("path", other_samples("intercom"), ids=sample_id)
def test_intercom_detect_ignores_other_formats(path: Path) -> None:
    assert IMPORTER.detect(path, head(path)) == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=ANY_JSON,
    key=st.sampled_from(["source", "conversation_parts", "contacts", "created_at", "id", "tags"]),
)
def test_intercom_fuzz_never_crashes(value: object, key: str) -> None:
    document = _conversation(_part("1", "admin", "<p>hi</p>"))
    document[key] = value
    FILES.read_never_crashes(document)


def test_intercom_list_is_read_as_a_stream(tmp_path: Path) -> None:
    """Conversations come one at a time: those before a broken tail are already read."""
    path = tmp_path / "intercom.json"
    good = json.dumps({"conversations": [_conversation(), _conversation(id="502")]})
    path.write_text(good[:-2] + ', {"id": ', encoding="utf-8")
    assert FILES.read_until_broken(path) == ["intercom-501", "intercom-502"]
