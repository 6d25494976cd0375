"""Tests for the Chatwoot importer."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import HEAD_BYTES, ImportOptions, Source
from servicecoach.ingest.chatwoot import ChatwootImporter
from servicecoach.model.conversation import Channel, Conversation, Role
from servicecoach.model.text import normalize_text
from servicecoach.testing import read_all
from tests.ingest.jsonfiles import JsonFiles

SAMPLES = Path(__file__).parents[2] / "src" / "servicecoach" / "samples"
SAMPLE = SAMPLES / "chatwoot" / "conversations.json"
DATA = Path(__file__).parents[1] / "data" / "chatwoot"
IMPORTER = ChatwootImporter()
FILES = JsonFiles(IMPORTER)


def _message(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "message_type": 0,
        "content": "Hello",
        "created_at": 1714752000,
        "private": False,
        "conversation_id": 77,
    }
    base.update(fields)
    return base


def _conversation(*messages: dict[str, Any], channel: str = "Channel::WebWidget") -> dict[str, Any]:
    return {
        "id": 77,
        "inbox_id": 2,
        "status": "open",
        "meta": {"sender": {"id": 9, "name": "Mei Lin"}, "channel": channel},
        "messages": list(messages),
    }


def test_chatwoot_sample_reads_every_conversation() -> None:
    conversations, problems = read_all(IMPORTER, [SAMPLE])
    assert problems == []
    assert [c.id for c in conversations] == ["chatwoot-311", "chatwoot-318", "chatwoot-324"]
    assert [c.channel for c in conversations] == [Channel.CHAT, Channel.SMS, Channel.EMAIL]
    assert {c.source for c in conversations} == {"chatwoot"}
    mei, dana, omar = conversations
    assert mei.customer.name == "Mei Lin"
    assert mei.customer.id == "2041"
    assert mei.meta["contact_identifier"] == "nw-cust-5531"
    assert mei.customer.handles == {"identifier": "nw-cust-5531"}
    assert dana.customer.phone == "+14155550134"
    assert dana.customer.handles == {"twitter": "danareyes"}
    assert mei.meta["labels"] == ["sizing", "footwear"]
    assert mei.meta["status"] == "resolved"
    assert mei.meta["inbox_id"] == 2
    assert mei.meta["channel"] == "Channel::WebWidget"
    roles = [m.role for m in mei.messages]
    assert roles[:4] == [Role.BOT, Role.CUSTOMER, Role.BOT, Role.SYSTEM]
    assert [m.id for m in mei.messages if m.internal] == ["90107"]
    assert "😊" in mei.messages[5].text
    assert all(m.at is not None and m.at.utcoffset() is not None for m in mei.messages)
    assert "wrote:" not in omar.messages[0].text
    assert "<p>" not in omar.messages[2].text


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda c: [c], id="array"),
        pytest.param(lambda c: {"data": {"meta": {}, "payload": [c]}}, id="list-endpoint"),
        pytest.param(lambda c: {"payload": [c]}, id="payload"),
        pytest.param(lambda c: c, id="single-conversation"),
        pytest.param(
            lambda c: {"meta": {"contact": c["meta"]["sender"]}, "payload": c["messages"]},
            id="messages-endpoint",
        ),
    ],
)
def test_chatwoot_accepts_every_api_shape(tmp_path: Path, wrap: Any) -> None:
    conversation = _conversation(_message(id=1), _message(id=2, message_type=1, content="Hi!"))
    [read] = FILES.read(tmp_path, wrap(conversation))
    assert read.id == "chatwoot-77"
    assert [m.text for m in read.messages] == ["Hello", "Hi!"]
    assert read.customer.name == "Mei Lin"


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("Channel::WebWidget", Channel.CHAT),
        ("Channel::Telegram", Channel.CHAT),
        ("Channel::Line", Channel.CHAT),
        ("Channel::Api", Channel.CHAT),
        ("Channel::Email", Channel.EMAIL),
        ("Channel::Whatsapp", Channel.SMS),
        ("Channel::Sms", Channel.SMS),
        ("Channel::TwilioSms", Channel.SMS),
        ("Channel::FacebookPage", Channel.SOCIAL),
        ("Channel::Twitter", Channel.SOCIAL),
        ("Channel::Instagram", Channel.SOCIAL),
        ("Channel::Carrier::Pigeon", Channel.OTHER),
    ],
)
def test_chatwoot_maps_channels(tmp_path: Path, channel: str, expected: Channel) -> None:
    [read] = FILES.read(tmp_path, [_conversation(_message(), channel=channel)])
    assert read.channel is expected
    assert read.public is False
    assert read.meta["channel"] == channel


@pytest.mark.parametrize(
    ("fields", "role", "internal"),
    [
        ({"message_type": 0, "sender": {"type": "contact"}}, Role.CUSTOMER, False),
        ({"message_type": "incoming"}, Role.CUSTOMER, False),
        ({"message_type": 1, "sender": {"type": "user", "name": "Sam Ortiz"}}, Role.AGENT, False),
        ({"message_type": 1, "sender": {"type": "agent_bot"}}, Role.BOT, False),
        ({"message_type": 1, "sender_type": "AgentBot"}, Role.BOT, False),
        ({"message_type": 1}, Role.AGENT, False),
        ({"message_type": 1, "private": True, "sender": {"type": "user"}}, Role.AGENT, True),
        ({"message_type": 2}, Role.SYSTEM, False),
        ({"message_type": 3}, Role.BOT, False),
        ({"message_type": "template"}, Role.BOT, False),
    ],
)
def test_chatwoot_maps_roles(
    tmp_path: Path, fields: dict[str, Any], role: Role, internal: bool
) -> None:
    [read] = FILES.read(tmp_path, [_conversation(_message(**fields))])
    [message] = read.messages
    assert message.role is role
    assert message.internal is internal


def test_chatwoot_bad_records_are_problems_and_the_rest_is_read() -> None:
    conversations, problems = read_all(IMPORTER, [DATA / "bad-records.json"])
    locations = [p.location for p in problems]
    assert locations == [
        "conversation 1",
        "conversation 2",
        "conversation 3 (id 502)",
        "conversation 4 (id 503), message 2",
        "conversation 4 (id 503), message 3",
        "conversation 4 (id 503), message 4",
        "conversation 4 (id 503), message 5",
        "conversation 4 (id 503), message 6",
    ]
    assert all(p.fix or "content" in p.message for p in problems)
    assert [c.id for c in conversations] == ["chatwoot-502", "chatwoot-503", "chatwoot-504"]
    broken, good, empty = conversations
    assert broken.messages == ()
    assert [m.id for m in good.messages] == ["1", "8", "9"]
    assert good.messages[0].text == "Second try (edited)"  # the last copy of a duplicate wins
    assert good.messages[1].text == ""  # null content is kept as an empty message
    assert empty.messages == ()  # an empty conversation is still yielded
    assert empty.meta["status"] == "open"


@pytest.mark.parametrize(
    ("message_type", "shown"),
    [({}, "{}"), ([1], "[1]"), (True, "True"), (None, "None"), ("note", "'note'"), (1.5, "1.5")],
)
def test_chatwoot_message_type_of_any_wrong_type_is_a_problem(
    tmp_path: Path, message_type: object, shown: str
) -> None:
    path = FILES.write(
        tmp_path, [_conversation(_message(message_type=message_type), _message(id=2))]
    )
    [conversation], [problem] = read_all(IMPORTER, [path])
    assert [m.id for m in conversation.messages] == ["2"]
    assert problem.location == "conversation 1 (id 77), message 1"
    assert problem.message == f"unknown 'message_type' {shown}"


@pytest.mark.parametrize("meta", [[], "Channel::Email", 7, None, {"sender": [1], "channel": {}}])
def test_chatwoot_meta_of_the_wrong_type_is_ignored(tmp_path: Path, meta: object) -> None:
    conversation = {**_conversation(_message()), "meta": meta}
    [read] = FILES.read(tmp_path, [conversation])
    assert read.channel is Channel.OTHER
    assert read.customer.is_empty()
    assert [m.id for m in read.messages] == ["1"]


@pytest.mark.parametrize(
    "created_at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", 10**20]
)
def test_chatwoot_time_out_of_range_is_a_problem(tmp_path: Path, created_at: object) -> None:
    path = FILES.write(tmp_path, [_conversation(_message(created_at=created_at), _message(id=2))])
    [conversation], [problem] = read_all(IMPORTER, [path])
    assert [m.id for m in conversation.messages] == ["2"]
    assert problem.location == "conversation 1 (id 77), message 1"
    assert "'created_at' is out of range" in problem.message


@pytest.mark.parametrize("name", ["not-json.json", "wrong-shape.json", "not-utf8.json"])
def test_chatwoot_unreadable_files_raise(name: str) -> None:
    with pytest.raises(InvalidFileError) as caught:
        read_all(IMPORTER, [DATA / name])
    assert caught.value.problem.fix


def test_chatwoot_unreadable_file_does_not_lose_the_others() -> None:
    paths = [DATA / "not-json.json", SAMPLE, DATA / "wrong-shape.json"]
    items: list[object] = []
    with pytest.raises(InvalidFileError) as caught:
        items.extend(IMPORTER.read([Source(p) for p in paths], ImportOptions()))
    assert caught.value.problem.path == DATA / "not-json.json"
    assert [getattr(i, "path", None) for i in items if isinstance(i, Problem)] == [
        DATA / "wrong-shape.json"
    ]
    assert len([i for i in items if isinstance(i, Conversation)]) == 3


def test_chatwoot_merges_message_pages_and_listing() -> None:
    paths = [
        DATA / "listing-402.json",
        DATA / "messages-page-1.json",
        DATA / "messages-page-2.json",
    ]
    conversations, problems = read_all(IMPORTER, paths)
    assert problems == []
    [read] = conversations
    assert read.id == "chatwoot-402"
    assert read.channel is Channel.SOCIAL
    assert read.public is False
    assert read.customer.handles == {"twitter": "danareyes", "identifier": "nw-cust-2057"}
    assert read.meta["contact_identifier"] == "nw-cust-2057"
    assert [m.id for m in read.messages] == ["7001", "7002", "7003", "7004", "7005"]
    assert read.messages[2].text == "Refund issued to your card (3-5 business days)."


@pytest.mark.parametrize(
    ("contact", "handles", "meta"),
    [
        ({"id": 9, "identifier": "user-42"}, {"identifier": "user-42"}, "user-42"),
        ({"id": 9, "identifier": 42}, {"identifier": "42"}, "42"),
        ({"id": 9, "identifier": " "}, {}, None),
        ({"id": 9, "identifier": None}, {}, None),
        (
            {
                "id": 9,
                "identifier": "user-42",
                "additional_attributes": {"social_profiles": {"twitter": "@mei"}},
            },
            {"twitter": "mei", "identifier": "user-42"},
            "user-42",
        ),
    ],
    ids=["text", "number", "blank", "null", "with-profiles"],
)
def test_chatwoot_contact_identifier_is_a_handle(
    tmp_path: Path, contact: dict[str, Any], handles: dict[str, str], meta: str | None
) -> None:
    conversation = _conversation(_message())
    conversation["meta"]["sender"] = contact
    [read] = FILES.read(tmp_path, conversation)
    assert dict(read.customer.handles) == handles
    assert read.meta.get("contact_identifier") == meta


def test_chatwoot_message_ids_are_global() -> None:
    assert IMPORTER.message_ids_are_global is True
    assert IMPORTER.reads_together is True


def test_chatwoot_messages_page_alone_has_no_channel() -> None:
    [read], _ = read_all(IMPORTER, [DATA / "messages-page-1.json"])
    assert read.channel is Channel.OTHER
    assert "channel" not in read.meta


def test_chatwoot_orders_out_of_order_messages(tmp_path: Path) -> None:
    messages = [
        _message(id=3, created_at=1714752300, content="third"),
        _message(id=1, created_at=1714752100, content="first"),
        _message(id=4, created_at=None, content="untimed"),
        _message(id=2, created_at=1714752200, content="second"),
    ]
    [read] = FILES.read(tmp_path, [_conversation(*messages)])
    assert [m.text for m in read.messages] == ["first", "second", "third", "untimed"]


def test_chatwoot_reads_html_and_trims_incoming_email(tmp_path: Path) -> None:
    incoming = _message(
        id=1,
        content="<div>My boots leak 😞</div><div>On Mon, May 6, 2024 Sam wrote:</div>"
        "<blockquote>Old text</blockquote>",
    )
    reply = _message(id=2, message_type=1, content="<p>Hi Mei,</p><p>Sorry!</p>")
    [read] = FILES.read(tmp_path, [_conversation(incoming, reply, channel="Channel::Email")])
    assert read.messages[0].text == "My boots leak 😞"
    assert read.messages[1].text == "Hi Mei,\n\nSorry!"


def test_chatwoot_keeps_attachment_types(tmp_path: Path) -> None:
    photo = _message(content=None, attachments=[{"file_type": "image"}, "odd"])
    [read] = FILES.read(tmp_path, [_conversation(photo)])
    assert read.messages[0].text == ""
    assert read.messages[0].meta["attachments"] == ["image", "file"]


def test_chatwoot_accepts_iso_and_millisecond_times(tmp_path: Path) -> None:
    messages = [
        _message(id=1, created_at="2024-05-03T16:02:11Z"),
        _message(id=2, created_at=1714752131000),
    ]
    [read] = FILES.read(tmp_path, [_conversation(*messages)])
    assert [m.at.isoformat() if m.at else None for m in read.messages] == [
        "2024-05-03T16:02:11+00:00",
        "2024-05-03T16:02:11+00:00",
    ]


def test_chatwoot_detects_its_sample_and_data() -> None:
    for path in [SAMPLE, *DATA.glob("messages-page-*.json"), DATA / "listing-402.json"]:
        assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) >= 80, path


def test_chatwoot_detect_rejects_other_formats() -> None:
    others = [p for p in SAMPLES.rglob("*") if p.is_file() and "chatwoot" not in p.parts]
    for path in others:
        assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) == 0, path
    assert IMPORTER.detect(Path("x.json"), b'{"messages": [{"id": 1, "text": "hi"}]}') == 0


_KEYS = (
    "id",
    "messages",
    "meta",
    "payload",
    "data",
    "message_type",
    "content",
    "sender",
    "created_at",
    "private",
    "conversation_id",
    "contact",
    "channel",
    "labels",
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(_KEYS),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(data=_json)
def test_chatwoot_arbitrary_json_never_raises_raw_errors(data: object) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = FILES.write(Path(directory), data)
        try:
            conversations, _ = read_all(IMPORTER, [path])
        except InvalidFileError:
            return
    assert all(isinstance(c, Conversation) for c in conversations)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=200))
def test_chatwoot_arbitrary_bytes_never_raise_raw_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.json"
        path.write_bytes(data)
        with contextlib.suppress(InvalidFileError):
            read_all(IMPORTER, [path])


_texts = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "So", "Zs")),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() and "<" not in text)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(_texts, min_size=1, max_size=8))
def test_chatwoot_generated_conversations_round_trip(texts: list[str]) -> None:
    messages = [
        _message(id=i, content=text, created_at=1714752000 + i, message_type=i % 2)
        for i, text in enumerate(texts)
    ]
    with tempfile.TemporaryDirectory() as directory:
        [read] = FILES.read(Path(directory), [_conversation(*messages)])
    assert len(read.messages) == len(texts)
    assert [m.text for m in read.messages] == [normalize_text(t) for t in texts]


# Webhook events (the 2020 and the current shape) ------------------------------------------

FORMATS = Path(__file__).parents[3] / "shared" / "formats" / "chatwoot"


def _event_2020(**fields: Any) -> dict[str, Any]:
    """A message_created event in the shape Chatwoot's 2020 webhook docs show."""
    event: dict[str, Any] = {
        "event": "message_created",
        "id": "31",
        "content": "Hello, my order never came",
        "created_at": "2020-03-03 13:05:57 UTC",
        "message_type": "incoming",
        "source_id": "",
        "sender": {"id": "2", "name": "Sam Ortiz", "email": "sam@northwind.example"},
        "contact": {"id": "5", "name": "Omar H"},
        "inbox": {"id": "4", "name": "Website"},
        "conversation": {"display_id": "9", "additional_attributes": {}},
        "account": {"id": "1", "name": "Northwind"},
    }
    event.update(fields)
    return event


def _event_now(**fields: Any) -> dict[str, Any]:
    """A message_created event in the current shape."""
    event: dict[str, Any] = {
        "event": "message_created",
        "id": 32,
        "content": "Sorry Omar, a new one ships today.",
        "created_at": "2020-03-03T13:20:00.000Z",
        "message_type": "outgoing",
        "private": False,
        "sender": {"id": 2, "name": "Sam Ortiz", "type": "user"},
        "conversation": {
            "id": 9,
            "inbox_id": 4,
            "channel": "Channel::WebWidget",
            "status": "open",
            "meta": {"sender": {"id": 5, "name": "Omar H"}},
        },
        "account": {"id": 1, "name": "Northwind"},
    }
    event.update(fields)
    return event


def test_chatwoot_reads_a_2020_webhook_event(tmp_path: Path) -> None:
    path = FILES.write(tmp_path, _event_2020())
    assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) == 90
    (conversation,) = FILES.read(tmp_path, _event_2020())
    assert conversation.id == "chatwoot-9"
    (message,) = conversation.messages
    assert (message.id, message.role, message.text) == (
        "31",
        Role.CUSTOMER,
        "Hello, my order never came",
    )
    assert message.at is not None and message.at.isoformat() == "2020-03-03T13:05:57+00:00"
    assert message.author == "Omar H"  # the contact wrote it; 'sender' is an agent user
    assert (conversation.customer.id, conversation.customer.name) == ("5", "Omar H")
    assert conversation.meta["inbox_id"] == "4"


def test_chatwoot_reads_a_list_of_events_of_both_shapes(tmp_path: Path) -> None:
    (conversation,) = FILES.read(tmp_path, [_event_2020(), _event_now()])
    assert [(m.id, m.role, m.author) for m in conversation] == [
        ("31", Role.CUSTOMER, "Omar H"),
        ("32", Role.AGENT, "Sam Ortiz"),
    ]
    assert conversation.channel is Channel.CHAT
    assert conversation.customer.name == "Omar H"


def test_chatwoot_conversation_event_is_a_conversation(tmp_path: Path) -> None:
    event = {"event": "conversation_created", **_conversation(_message())}
    (conversation,) = FILES.read(tmp_path, event)
    assert conversation.id == "chatwoot-77"
    assert [m.text for m in conversation] == ["Hello"]


def test_chatwoot_event_without_a_conversation_is_a_problem(tmp_path: Path) -> None:
    events = [
        _event_2020(),
        {"event": "webwidget_triggered", "contact": {"id": 5}},
        _event_now(conversation={"inbox_id": 4}),
    ]
    conversations, problems = FILES.read_all(tmp_path, events)
    assert [c.id for c in conversations] == ["chatwoot-9"]
    assert [(p.location, p.message) for p in problems] == [
        ("event 2", "a 'webwidget_triggered' event holds no conversation: skipped"),
        ("event 3", "the conversation has no 'id'"),
    ]
    assert "display_id" in problems[1].fix


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-03-03 13:05:57 UTC", "2020-03-03T13:05:57+00:00"),
        ("2020-03-03T13:05:57.000Z", "2020-03-03T13:05:57+00:00"),
        ("2020-03-03 13:05:57", "2020-03-03T13:05:57+00:00"),
        (1583240757, "2020-03-03T13:05:57+00:00"),
    ],
)
def test_chatwoot_times_of_every_shape(tmp_path: Path, value: object, expected: str) -> None:
    (conversation,) = FILES.read(tmp_path, [_event_2020(created_at=value)])
    at = conversation.messages[0].at
    assert at is not None and at.isoformat() == expected


def test_chatwoot_bad_2020_time_is_a_problem_naming_it(tmp_path: Path) -> None:
    conversations, problems = FILES.read_all(tmp_path, _event_2020(created_at="yesterday UTC"))
    assert [len(c) for c in conversations] == [0]
    assert [(p.location, p.message) for p in problems] == [
        ("event 1 (conversation 9), message 1", "'created_at' is not a date: 'yesterday UTC'")
    ]


@pytest.mark.parametrize("kind", [{}, [], None, 1.5])
def test_chatwoot_event_message_type_of_a_wrong_type_is_a_problem(
    tmp_path: Path, kind: object
) -> None:
    conversations, problems = FILES.read_all(tmp_path, _event_2020(message_type=kind))
    assert [len(c) for c in conversations] == [0]
    (problem,) = problems
    assert problem.location == "event 1 (conversation 9), message 1"
    assert "message_type" in problem.message


@pytest.mark.shared_data
def test_chatwoot_reads_the_2020_webhook_sample_of_chatwoot_docs() -> None:
    path = FORMATS / "chatwoot_docs_2020_webhook_sample.json"
    if not path.is_file():
        pytest.skip("../shared/formats/chatwoot is not present")
    assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) > 0
    conversations, problems = read_all(IMPORTER, [path])
    assert problems == []
    (conversation,) = conversations
    assert conversation.id == "chatwoot-1"
    (message,) = conversation.messages
    assert (message.role, message.text, message.author) == (Role.CUSTOMER, "Hi", "contact-name")
    assert message.at is not None and message.at.isoformat() == "2020-03-03T13:05:57+00:00"
    assert (conversation.customer.id, conversation.customer.name) == ("1", "contact-name")
