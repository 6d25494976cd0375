"""The native format: exact round trips, clear errors, property-based checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.errors import InvalidRecordError
from servicecoach.ingest.jsonl import dumps_conversation
from servicecoach.model import Channel, Conversation, Customer, Message, Role
from servicecoach.model.native import conversation_from_dict, conversation_to_dict

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
_ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-7))]),
)  # fmt: skip


@st.composite
def conversations(draw: st.DrawFn) -> Conversation:
    ids = draw(st.lists(_ids, unique=True, max_size=6))
    messages = tuple(
        Message(
            id=i,
            role=draw(st.sampled_from(list(Role))),
            text=draw(_text),
            author=draw(st.none() | _text),
            at=draw(st.none() | _times),
            start_s=draw(st.none() | st.floats(0, 1e5, allow_nan=False)),
            internal=draw(st.booleans()),
            meta=draw(st.dictionaries(_ids.filter(lambda k: k != "meta"), _text, max_size=2)),
        )
        for i in ids
    )
    return Conversation(
        id=draw(_ids),
        channel=draw(st.sampled_from(list(Channel))),
        messages=messages,
        customer=Customer(
            id=draw(st.none() | _ids),
            name=draw(st.none() | _text),
            email=draw(st.none() | st.emails()),
            handles=draw(st.dictionaries(_ids, _ids, max_size=2)),
        ),
        public=draw(st.booleans()),
        source=draw(st.sampled_from(["jsonl", "zendesk", "twcs"])),
        meta=draw(st.dictionaries(_ids.filter(lambda k: k != "source"), _text, max_size=3)),
    )


@settings(max_examples=150, deadline=None)
@given(conversations())
def test_native_round_trip_is_exact(conversation: Conversation) -> None:
    line = dumps_conversation(conversation)
    back = conversation_from_dict(json.loads(line))
    assert back == conversation
    assert dumps_conversation(back) == line


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | _text,
        lambda c: st.lists(c) | st.dictionaries(_text, c),
        max_leaves=20,
    )
)
def test_native_arbitrary_json_raises_only_invalid_record(data: object) -> None:
    try:
        conversation_from_dict(data)  # type: ignore[arg-type]
    except InvalidRecordError as exc:
        assert exc.message


def test_native_unknown_top_level_keys_go_to_meta() -> None:
    data = {"format": 1, "id": "x", "messages": [], "helpdesk": {"queue": "vip"}}
    conversation = conversation_from_dict(data)
    assert conversation.meta == {"helpdesk": {"queue": "vip"}}
    assert conversation_to_dict(conversation)["meta"] == {"helpdesk": {"queue": "vip"}}


@pytest.mark.parametrize(
    ("data", "message", "fix"),
    [
        ({"messages": []}, "has no 'id'", "non-empty"),
        ({"id": "x"}, "'messages' must be a list", "[]"),
        ({"id": "x", "messages": [], "channel": "pigeon"}, "channel 'pigeon'", "email | chat"),
        ({"id": "x", "messages": [], "format": 2}, "format version 2", "reads format 1"),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent", "at": "yesterday"}]},
            "not a date",
            "ISO 8601",
        ),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent", "at": "2024-05-01T10:00:00"}]},
            "no time zone",
            "zone",
        ),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent"}, {"id": "m", "role": "agent"}]},
            "appears twice",
            "unique",
        ),
        ({"id": "x", "messages": [{"role": "agent"}]}, "message 1 has no 'id'", "unique"),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent", "start_s": -1}]},
            "non-negative",
            "",
        ),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent", "start_s": 10**400}]},
            "non-negative",
            "",
        ),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent", "meta": "vip"}]},
            "message 'm': 'meta' must be an object, not 'vip'",
            "",
        ),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent", "meta": [["a", 1]]}]},
            "'meta' must be an object",
            "",
        ),
        (
            {"id": "x", "messages": [{"id": "m", "role": "agent", "author": {"name": "Sam"}}]},
            "'author' must be a string",
            "",
        ),
        (
            {
                "id": "x",
                "messages": [{"id": "m", "role": "agent", "at": "9999-12-31T23:59:59-14:00"}],
            },
            "message 'm' 'at' is out of range",
            "years 1 to 9999",
        ),
    ],
)
def test_native_errors_name_the_problem_and_fix(
    data: dict[str, object], message: str, fix: str
) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        conversation_from_dict(data)
    assert message in caught.value.message
    assert fix in caught.value.fix


def test_native_errors_do_not_repeat_a_huge_value() -> None:
    data = {"id": "x", "messages": [{"id": "m", "role": "x" * 1_000_000}]}
    with pytest.raises(InvalidRecordError) as caught:
        conversation_from_dict(data)
    assert len(caught.value.message) < 150


def test_native_customer_extra_keys_join_a_meta_value_of_any_type() -> None:
    data = {"id": "x", "messages": [], "customer": {"tier": "vip"}, "customer_extra": 5}
    assert conversation_from_dict(data).meta == {"customer_extra": {"tier": "vip"}}


def test_native_lone_surrogates_are_replaced() -> None:
    data = json.loads(
        '{"id": "x\\ud800", "customer": {"name": "\\udfff"}, "meta": {"\\ud800": 1},'
        ' "messages": [{"id": "m", "role": "agent", "text": "hi \\ud800", "author": "\\udc80"}]}'
    )
    conversation = conversation_from_dict(data)
    line = dumps_conversation(conversation)
    line.encode("utf-8")
    assert (conversation.id, conversation.customer.name) == ("x\ufffd", "\ufffd")
    assert conversation.messages[0].text == "hi \ufffd"


def test_native_message_times_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Message(id="m", role=Role.AGENT, text="", at=datetime(2024, 1, 1))


def test_native_chronological_keeps_untimed_last_and_ties_stable() -> None:
    t = datetime(2024, 1, 1, tzinfo=UTC)
    messages = (
        Message("b", Role.AGENT, "", at=t + timedelta(minutes=5)),
        Message("n", Role.SYSTEM, ""),
        Message("a", Role.CUSTOMER, "", at=t),
        Message("a2", Role.CUSTOMER, "", at=t),
    )
    conversation = Conversation("c", Channel.CHAT, messages)
    assert [m.id for m in conversation.chronological()] == ["a", "a2", "b", "n"]
    assert conversation.started_at == t
